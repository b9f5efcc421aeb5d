-- CT.OPENSEARCH.PR.6 (elasticsearch_data_node_fault_tolerance_check): Elasticsearch domains spread at least three data nodes across Availability Zones.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local int_ge = g.int_ge

return g.rule({ id = "ct-opensearch-pr-6", types = { "AWS::Elasticsearch::Domain" },
  judge = function(ctx, p)
    local c = p.ElasticsearchClusterConfig
    if c == nil then
      return ctx.fail("ElasticsearchClusterConfig is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("ElasticsearchClusterConfig is " .. tostring(c) .. ", not a map",
                      p, "ElasticsearchClusterConfig")
    end
    local zoneAwarenessEnabled = c.ZoneAwarenessEnabled
    if zoneAwarenessEnabled == nil then
      ctx.fail("ElasticsearchClusterConfig.ZoneAwarenessEnabled is missing", c)
    elseif not all_true(zoneAwarenessEnabled) then
      ctx.fail("ElasticsearchClusterConfig.ZoneAwarenessEnabled is " .. tostring(zoneAwarenessEnabled) .. ", not true",
               c, "ZoneAwarenessEnabled")
    end
    local instanceCount = c.InstanceCount
    if instanceCount == nil then
      ctx.fail("ElasticsearchClusterConfig.InstanceCount is missing", c)
    elseif not int_ge(instanceCount, 3) then
      ctx.fail("ElasticsearchClusterConfig.InstanceCount is " .. tostring(instanceCount) .. ", not an integer of at least 3",
               c, "InstanceCount")
    end
  end,
})
