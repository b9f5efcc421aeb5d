-- An OpenSearch Service or Elasticsearch domain without VPCOptions.SubnetIds gets a public
-- endpoint: only its access policy stands between it and the internet. A domain in a VPC is
-- reachable only from the VPC. VPCOptions cannot be added to a public domain later (the domain
-- is replaced), so this is worth catching before the first deploy.
local exposure = pp.lib("exposure")
local describe = exposure.describe
local is_unknown, is_view, is_list = pp.is_unknown, pp.is_view, pp.is_list

return {
  id = "opensearch-domain-in-vpc",
  types = { "AWS::OpenSearchService::Domain", "AWS::Elasticsearch::Domain" },
  related = { "CT.OPENSEARCH.PR.10", "CT.OPENSEARCH.PR.2" },
  check = function(r, ctx)
    local p = r.properties
    local vo = p.VPCOptions
    if vo == nil then
      return ctx.fail("VPCOptions is not set: the domain has a public endpoint", p)
    end
    if is_unknown(vo) then
      return ctx.unknown("VPCOptions depends on a value Parapet cannot resolve", p, "VPCOptions")
    end
    if not is_view(vo) or is_list(vo) then
      return ctx.fail("VPCOptions is " .. describe(vo) .. ", not an object", p, "VPCOptions")
    end
    local s = vo.SubnetIds
    if s == nil then
      return ctx.fail("VPCOptions.SubnetIds is not set: the domain has a public endpoint", vo)
    end
    if is_unknown(s) then
      return ctx.unknown("VPCOptions.SubnetIds depends on a value Parapet cannot resolve", vo, "SubnetIds")
    end
    if not is_list(s) or #s == 0 then
      return ctx.fail("VPCOptions.SubnetIds is " .. (is_list(s) and "empty" or describe(s))
                      .. ": the domain has a public endpoint", vo, "SubnetIds")
    end
    for i = 1, #s do is_unknown(s[i]) end
  end,
}
