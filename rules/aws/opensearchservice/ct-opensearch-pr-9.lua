-- CT.OPENSEARCH.PR.9 (opensearch_encrypted_at_rest_check): OpenSearch Service domains encrypt data at rest.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-9",
  title      = "OpenSearch Service domains encrypt data at rest",
  severity   = "medium",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.9", "opensearch_encrypted_at_rest_check" },
  guard      = "opensearch_encrypted_at_rest_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html",
  fix        = "Set EncryptionAtRestOptions.Enabled to true (a boolean).",
  check      = gos.encrypted_at_rest_check,
}
