-- CT.ECS.PR.9 (ecs_service_assign_public_ip_disabled_check): ECS services do not assign public IP addresses.
local g = pp.lib("guard")
local is_struct = g.is_struct

return {
  id         = "ct-ecs-pr-9",
  title      = "ECS services do not assign public IP addresses",
  severity   = "high",
  types      = { "AWS::ECS::Service" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.9", "ecs_service_assign_public_ip_disabled_check" },
  guard      = "ecs_service_assign_public_ip_disabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2.2",
  },
  docs       = "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards-fsbp-controls.html#fsbp-ecs-2",
  fix        = "Set NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp to DISABLED, or leave it out.",
  check = function(r, ctx)
    local p = r.properties
    local nc = p.NetworkConfiguration
    local vpc
    if is_struct(nc) then vpc = nc.AwsvpcConfiguration end
    if not is_struct(vpc) then
      return ctx.skip("no NetworkConfiguration.AwsvpcConfiguration")
    end
    local v = vpc.AssignPublicIp
    if v ~= nil and v ~= "DISABLED" then
      return ctx.fail("AssignPublicIp is " .. tostring(v) .. ", not DISABLED", vpc, "AssignPublicIp")
    end
  end,
}
