-- CT.OPENSEARCH.PR.8 (elasticsearch_https_required_check): Elasticsearch domains require HTTPS with TLS 1.2.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-8",
  title      = "Elasticsearch domains require HTTPS with TLS 1.2",
  severity   = "medium",
  types      = { "AWS::Elasticsearch::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.8", "elasticsearch_https_required_check" },
  guard      = "elasticsearch_https_required_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/data-protection.html",
  fix        = "In DomainEndpointOptions set EnforceHTTPS to true and TLSSecurityPolicy to Policy-Min-TLS-1-2-2019-07.",
  check      = gos.https_required_check,
}
