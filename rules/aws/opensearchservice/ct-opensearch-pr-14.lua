-- CT.OPENSEARCH.PR.14 (opensearch_data_node_fault_tolerance_check): OpenSearch Service domains spread at least three data nodes across Availability Zones.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local int_ge = g.int_ge

return {
  id         = "ct-opensearch-pr-14",
  title      = "OpenSearch Service domains spread at least three data nodes across Availability Zones",
  severity   = "medium",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.14", "opensearch_data_node_fault_tolerance_check" },
  guard      = "opensearch_data_node_fault_tolerance_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:SC-36",
    "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-13(5)",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/sizing-domains.html#bp-instances",
  fix        = "In ClusterConfig set ZoneAwarenessEnabled to true and InstanceCount to 3 or more.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.ClusterConfig
    if c == nil then
      return ctx.fail("ClusterConfig is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("ClusterConfig is " .. tostring(c) .. ", not a map", p, "ClusterConfig")
    end
    local zoneAwarenessEnabled = c.ZoneAwarenessEnabled
    if zoneAwarenessEnabled == nil then
      ctx.fail("ClusterConfig.ZoneAwarenessEnabled is missing", c)
    elseif not all_true(zoneAwarenessEnabled) then
      ctx.fail("ClusterConfig.ZoneAwarenessEnabled is " .. tostring(zoneAwarenessEnabled) .. ", not true",
               c, "ZoneAwarenessEnabled")
    end
    local instanceCount = c.InstanceCount
    if instanceCount == nil then
      ctx.fail("ClusterConfig.InstanceCount is missing", c)
    elseif not int_ge(instanceCount, 3) then
      ctx.fail("ClusterConfig.InstanceCount is " .. tostring(instanceCount) .. ", not an integer of at least 3",
               c, "InstanceCount")
    end
  end,
}
