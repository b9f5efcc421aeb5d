-- CT.OPENSEARCH.PR.10 (opensearch_in_vpc_only_check): OpenSearch Service domains are deployed in a VPC.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-10",
  title      = "OpenSearch Service domains are deployed in a VPC",
  severity   = "critical",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.10", "opensearch_in_vpc_only_check" },
  guard      = "opensearch_in_vpc_only_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc.html",
  fix        = "Add VPCOptions with SubnetIds listing at least one subnet.",
  check      = gos.in_vpc_only_check,
}
