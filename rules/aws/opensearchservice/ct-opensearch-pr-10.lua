-- CT.OPENSEARCH.PR.10 (opensearch_in_vpc_only_check): OpenSearch Service domains are deployed in a VPC.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-10",
  types      = { "AWS::OpenSearchService::Domain" },
  check      = gos.in_vpc_only_check,
}
