-- CT.AUTOSCALING.PR.5: Auto Scaling launch configurations must not give instances a public IP.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return {
  id       = "ct-autoscaling-pr-5",
  severity = "high",
  types    = { "AWS::AutoScaling::LaunchConfiguration" },
  packs    = { "control-tower" },
  controls = { "CT.AUTOSCALING.PR.5", "autoscaling_launch_config_public_ip_disabled_check" },
  guard    = "autoscaling_launch_config_public_ip_disabled_check",
  frameworks = { "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/launch-configurations.html",
  title    = "Auto Scaling launch configurations must set AssociatePublicIpAddress to false",
  fix      = "Add AssociatePublicIpAddress: false (a boolean) to the launch configuration.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the launch configuration has no Properties") end
    local v = p.AssociatePublicIpAddress
    if v == nil then
      return ctx.fail("AssociatePublicIpAddress is not set, so the subnet default decides; set it to false", p)
    end
    if not is_false(v) then
      return ctx.fail("AssociatePublicIpAddress is " .. show(v) .. "; it must be the boolean false",
                      p, "AssociatePublicIpAddress")
    end
  end,
}
