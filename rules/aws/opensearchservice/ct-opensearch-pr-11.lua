-- CT.OPENSEARCH.PR.11 (opensearch_node_to_node_encryption_check): OpenSearch Service domains encrypt traffic between nodes.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-11",
  types      = { "AWS::OpenSearchService::Domain" },
  check      = gos.node_to_node_encryption_check,
}
