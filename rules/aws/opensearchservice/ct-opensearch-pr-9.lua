-- CT.OPENSEARCH.PR.9 (opensearch_encrypted_at_rest_check): OpenSearch Service domains encrypt data at rest.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-9",
  types      = { "AWS::OpenSearchService::Domain" },
  check      = gos.encrypted_at_rest_check,
}
