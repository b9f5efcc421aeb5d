-- CT.OPENSEARCH.PR.14 (opensearch_data_node_fault_tolerance_check): OpenSearch Service domains spread at least three data nodes across Availability Zones.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local int_ge = g.int_ge

return g.rule({ id = "ct-opensearch-pr-14", types = { "AWS::OpenSearchService::Domain" },
  judge = function(ctx, p)
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
})
