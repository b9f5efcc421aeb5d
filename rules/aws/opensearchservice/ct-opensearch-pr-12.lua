-- CT.OPENSEARCH.PR.12 (opensearch_application_logging_enabled_check): OpenSearch Service domains publish application (error) logs to CloudWatch Logs.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-12",
  types      = { "AWS::OpenSearchService::Domain" },
  check      = gos.application_logging_enabled_check,
}
