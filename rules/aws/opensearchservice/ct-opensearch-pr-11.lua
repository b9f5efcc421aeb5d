-- CT.OPENSEARCH.PR.11 (opensearch_node_to_node_encryption_check): OpenSearch Service domains encrypt traffic between nodes.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-11",
  title      = "OpenSearch Service domains encrypt traffic between nodes",
  severity   = "medium",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.11", "opensearch_node_to_node_encryption_check" },
  guard      = "opensearch_node_to_node_encryption_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "PCI DSS version 3.2.1:4.1",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html#enabling-ntn",
  fix        = "Set NodeToNodeEncryptionOptions.Enabled to true (a boolean).",
  check      = gos.node_to_node_encryption_check,
}
