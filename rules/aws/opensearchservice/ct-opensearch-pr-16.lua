-- CT.OPENSEARCH.PR.16 (opensearch_https_required_check): OpenSearch Service domains require HTTPS with TLS 1.2.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-16",
  types      = { "AWS::OpenSearchService::Domain" },
  check      = gos.https_required_check,
}
