-- CT.OPENSEARCH.PR.3 (elasticsearch_node_to_node_encryption_check): Elasticsearch domains encrypt traffic between nodes.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-3",
  types      = { "AWS::Elasticsearch::Domain" },
  check      = gos.node_to_node_encryption_check,
}
