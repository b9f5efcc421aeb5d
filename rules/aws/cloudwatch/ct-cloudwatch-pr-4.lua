-- CT.CLOUDWATCH.PR.4: a CloudWatch alarm's actions are enabled.
-- Guard semantics kept: ActionsEnabled may be absent (it defaults to true); when present it
-- must be the boolean true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local show = g.show
local all_true = g.is_true_ipairs

return g.rule({ id = "ct-cloudwatch-pr-4", types = { "AWS::CloudWatch::Alarm" },
  judge = function(ctx, p)
    local v = p.ActionsEnabled
    if v ~= nil and not all_true(v) then
      return ctx.fail("ActionsEnabled is " .. show(v) .. ": the alarm's actions will not run", p,
                      "ActionsEnabled")
    end
  end,
})
