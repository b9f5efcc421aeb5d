-- CT.OPENSEARCH.PR.5 (elasticsearch_audit_logging_enabled_check): Elasticsearch domains publish audit logs to CloudWatch Logs.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-5",
  types      = { "AWS::Elasticsearch::Domain" },
  check      = gos.audit_logging_enabled_check,
}
