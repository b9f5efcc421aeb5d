-- CT.EC2.PR.6: transit gateways must not accept shared VPC attachments automatically.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show

return {
  id       = "ct-ec2-pr-6",
  severity = "high",
  types    = { "AWS::EC2::TransitGateway" },
  packs    = { "control-tower" },
  controls = { "CT.EC2.PR.6", "ec2_transit_gateway_auto_vpc_attach_disabled_check" },
  guard    = "ec2_transit_gateway_auto_vpc_attach_disabled_check",
  frameworks = { "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-2", "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4" },
  docs     = "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html#tgw-accept-shared-attachment",
  title    = "Transit gateways must not auto-accept shared attachments",
  fix      = "Set AutoAcceptSharedAttachments to \"disable\", or leave it out (the default is disable).",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the transit gateway has no Properties") end
    local v = p.AutoAcceptSharedAttachments
    if v ~= nil and not str_eq(v, "disable") then
      return ctx.fail("AutoAcceptSharedAttachments is " .. show(v) .. "; it must be \"disable\"",
                      p, "AutoAcceptSharedAttachments")
    end
  end,
}
