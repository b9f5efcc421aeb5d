-- CT.OPENSEARCH.PR.14 (opensearch_data_node_fault_tolerance_check): OpenSearch Service domains spread at least three data nodes across Availability Zones.
local ops, g = pp.lib("guard_opensearch"), pp.lib("guard")
return ops.section_rule({ id = "ct-opensearch-pr-14", types = { "AWS::OpenSearchService::Domain" },
  key = "ClusterConfig", fields = { { "ZoneAwarenessEnabled", g.is_true, ", not true" },
    { "InstanceCount", ops.at_least_3, ", not an integer of at least 3" } } })
