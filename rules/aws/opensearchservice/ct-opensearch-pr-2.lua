-- CT.OPENSEARCH.PR.2 (elasticsearch_in_vpc_only_check): Elasticsearch domains are deployed in a VPC.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local is_view = pp.is_view

return {
  id         = "ct-opensearch-pr-2",
  title      = "Elasticsearch domains are deployed in a VPC",
  severity   = "critical",
  types      = { "AWS::Elasticsearch::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.2", "elasticsearch_in_vpc_only_check" },
  guard      = "elasticsearch_in_vpc_only_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
  fix        = "Add VPCOptions with SubnetIds listing at least one subnet.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.VPCOptions
    if c == nil then
      return ctx.fail("VPCOptions is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("VPCOptions is " .. tostring(c) .. ", not a map", p, "VPCOptions")
    end
    local subnetIds = c.SubnetIds
    if subnetIds == nil then
      ctx.fail("VPCOptions.SubnetIds is missing", c)
    elseif not is_view(subnetIds) or #subnetIds == 0 then
      ctx.fail("VPCOptions.SubnetIds is " .. tostring(subnetIds) .. ", not a non-empty list",
               c, "SubnetIds")
    end
  end,
}
