-- CT.EC2.PR.13: EC2 instances must turn on detailed monitoring.
local g = pp.lib("guard")
local is_true = g.is_true
local show = g.show

return g.rule({ id = "ct-ec2-pr-13", types = { "AWS::EC2::Instance" }, noun = "instance",
  judge = function(ctx, p)
    local v = p.Monitoring
    if v == nil then
      return ctx.fail("Monitoring is not set, so detailed monitoring stays off", p)
    end
    if not is_true(v) then
      return ctx.fail("Monitoring is " .. show(v) .. "; it must be the boolean true", p, "Monitoring")
    end
  end,
})
