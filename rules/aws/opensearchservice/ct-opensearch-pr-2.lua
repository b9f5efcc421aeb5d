-- CT.OPENSEARCH.PR.2 (elasticsearch_in_vpc_only_check): Elasticsearch domains are deployed in a VPC.
local gos = pp.lib("guard_opensearch")

return {
  id         = "ct-opensearch-pr-2",
  types      = { "AWS::Elasticsearch::Domain" },
  check      = gos.in_vpc_only_check,
}
