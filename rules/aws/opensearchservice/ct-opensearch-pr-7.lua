-- CT.OPENSEARCH.PR.7 (elasticsearch_primary_node_fault_tolerance_check): Elasticsearch domains use at least three dedicated master nodes.
local ops, g = pp.lib("guard_opensearch"), pp.lib("guard")
return ops.section_rule({ id = "ct-opensearch-pr-7", types = { "AWS::Elasticsearch::Domain" },
  key = "ElasticsearchClusterConfig", fields = { { "DedicatedMasterEnabled", g.is_true, ", not true" },
    { "DedicatedMasterCount", ops.at_least_3, ", not an integer of at least 3", true } } })
