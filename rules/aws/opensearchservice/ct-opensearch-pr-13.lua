-- CT.OPENSEARCH.PR.13 (opensearch_audit_logging_enabled_check): OpenSearch Service domains publish audit logs to CloudWatch Logs.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-13",
  types      = { "AWS::OpenSearchService::Domain" },
  check      = gos.audit_logging_enabled_check,
}
