-- CT.CLOUDWATCH.PR.1: a CloudWatch alarm has at least one alarm action.
-- Guard semantics kept: AlarmActions must be a non-empty list.
local g = pp.lib("guard")
local show = g.show
local tostring = tostring
local is_view = pp.is_view

return g.rule({ id = "ct-cloudwatch-pr-1", types = { "AWS::CloudWatch::Alarm" },
  judge = function(ctx, p)
    local a = p.AlarmActions
    if a == nil then
      return ctx.fail("AlarmActions is missing: nothing happens when the alarm fires", p)
    end
    if not is_view(a) or #a == 0 then
      if is_view(a) and tostring(a) ~= "[]" then
        return ctx.fail("AlarmActions is " .. show(a) .. ", not a list", p, "AlarmActions")
      end
      return ctx.fail("AlarmActions is " .. show(a) .. ": nothing happens when the alarm fires",
                      p, "AlarmActions")
    end
  end,
})
