-- CT.OPENSEARCH.PR.7 (elasticsearch_primary_node_fault_tolerance_check): Elasticsearch domains use at least three dedicated master nodes.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local int_ge = g.int_ge

return {
  id         = "ct-opensearch-pr-7",
  title      = "Elasticsearch domains use at least three dedicated master nodes",
  severity   = "medium",
  types      = { "AWS::Elasticsearch::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.7", "elasticsearch_primary_node_fault_tolerance_check" },
  guard      = "elasticsearch_primary_node_fault_tolerance_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:SC-36",
    "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-13(5)",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-dedicatedmasternodes.html",
  fix        = "In ElasticsearchClusterConfig set DedicatedMasterEnabled to true, and DedicatedMasterCount to 3 or more if you set it.",
  check = function(r, ctx)
    local p = r.properties
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
}
