-- CT.OPENSEARCH.PR.8 (elasticsearch_https_required_check): Elasticsearch domains require HTTPS with TLS 1.2.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-8",
  types      = { "AWS::Elasticsearch::Domain" },
  check      = gos.https_required_check,
}
