-- CT.OPENSEARCH.PR.6 (elasticsearch_data_node_fault_tolerance_check): Elasticsearch domains spread at least three data nodes across Availability Zones.
local ops, g = pp.lib("guard_opensearch"), pp.lib("guard")
return ops.section_rule({ id = "ct-opensearch-pr-6", types = { "AWS::Elasticsearch::Domain" },
  key = "ElasticsearchClusterConfig", fields = { { "ZoneAwarenessEnabled", g.is_true, ", not true" },
    { "InstanceCount", ops.at_least_3, ", not an integer of at least 3" } } })
