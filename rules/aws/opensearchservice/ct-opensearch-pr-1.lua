-- CT.OPENSEARCH.PR.1 (elasticsearch_encrypted_at_rest_check): Elasticsearch domains encrypt data at rest.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-1",
  types      = { "AWS::Elasticsearch::Domain" },
  check      = gos.encrypted_at_rest_check,
}
