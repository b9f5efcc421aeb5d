-- CT.OPENSEARCH.PR.4 (elasticsearch_application_logging_enabled_check): Elasticsearch domains publish application (error) logs to CloudWatch Logs.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-4",
  types      = { "AWS::Elasticsearch::Domain" },
  check      = gos.application_logging_enabled_check,
}
