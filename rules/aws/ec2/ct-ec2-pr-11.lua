-- CT.EC2.PR.11: VPC subnets must not assign public IP addresses on launch.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return {
  id       = "ct-ec2-pr-11",
  severity = "medium",
  types    = { "AWS::EC2::Subnet" },
  packs    = { "control-tower" },
  controls = { "CT.EC2.PR.11", "subnet_auto_assign_public_ip_disabled_check" },
  guard    = "subnet_auto_assign_public_ip_disabled_check",
  frameworks = { "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html",
  title    = "Subnets must not auto-assign public IP addresses",
  fix      = "Set MapPublicIpOnLaunch to false (a boolean), or leave it out.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the subnet has no Properties") end
    local v = p.MapPublicIpOnLaunch
    if v ~= nil and not is_false(v) then
      return ctx.fail("MapPublicIpOnLaunch is " .. show(v) .. "; it must be the boolean false or absent",
                      p, "MapPublicIpOnLaunch")
    end
  end,
}
