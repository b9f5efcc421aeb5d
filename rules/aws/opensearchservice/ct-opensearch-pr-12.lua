-- CT.OPENSEARCH.PR.12 (opensearch_application_logging_enabled_check): OpenSearch Service domains publish application (error) logs to CloudWatch Logs.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-12",
  title      = "OpenSearch Service domains publish application (error) logs to CloudWatch Logs",
  severity   = "medium",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.12", "opensearch_application_logging_enabled_check" },
  guard      = "opensearch_application_logging_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-6(9)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-3(8)",
    "NIST 800-53 Rev 5:SI-4(20)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2",
    "PCI DSS version 3.2.1:10.2.3", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html#createdomain-configure-slow-logs-console",
  fix        = "Under LogPublishingOptions.ES_APPLICATION_LOGS set Enabled to true and CloudWatchLogsLogGroupArn to a log group ARN or a reference to a log group in this template.",
  check      = gos.application_logging_enabled_check,
}
