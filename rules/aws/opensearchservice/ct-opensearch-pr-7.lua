-- CT.OPENSEARCH.PR.7 (elasticsearch_primary_node_fault_tolerance_check): Elasticsearch domains use at least three dedicated master nodes.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local int_ge = g.int_ge

return g.rule({ id = "ct-opensearch-pr-7", types = { "AWS::Elasticsearch::Domain" },
  judge = function(ctx, p)
    local c = p.ElasticsearchClusterConfig
    if c == nil then
      return ctx.fail("ElasticsearchClusterConfig is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("ElasticsearchClusterConfig is " .. tostring(c) .. ", not a map",
                      p, "ElasticsearchClusterConfig")
    end
    local dedicatedMasterEnabled = c.DedicatedMasterEnabled
    if dedicatedMasterEnabled == nil then
      ctx.fail("ElasticsearchClusterConfig.DedicatedMasterEnabled is missing", c)
    elseif not all_true(dedicatedMasterEnabled) then
      ctx.fail("ElasticsearchClusterConfig.DedicatedMasterEnabled is " .. tostring(dedicatedMasterEnabled) .. ", not true",
               c, "DedicatedMasterEnabled")
    end
    local dedicatedMasterCount = c.DedicatedMasterCount
    if dedicatedMasterCount ~= nil and not int_ge(dedicatedMasterCount, 3) then
      ctx.fail("ElasticsearchClusterConfig.DedicatedMasterCount is " .. tostring(dedicatedMasterCount) .. ", not an integer of at least 3",
               c, "DedicatedMasterCount")
    end
  end,
})
