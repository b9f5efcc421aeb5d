-- CT.AUTOSCALING.PR.5: Auto Scaling launch configurations must not give instances a public IP.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return g.rule({ id = "ct-autoscaling-pr-5", types = { "AWS::AutoScaling::LaunchConfiguration" }, noun = "launch configuration",
  judge = function(ctx, p)
    local v = p.AssociatePublicIpAddress
    if v == nil then
      return ctx.fail("AssociatePublicIpAddress is not set, so the subnet default decides; set it to false", p)
    end
    if not is_false(v) then
      return ctx.fail("AssociatePublicIpAddress is " .. show(v) .. "; it must be the boolean false",
                      p, "AssociatePublicIpAddress")
    end
  end,
})
