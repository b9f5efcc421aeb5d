-- An EKS cluster's Kubernetes API endpoint is public by default: ResourcesVpcConfig.
-- EndpointPublicAccess defaults to true and PublicAccessCidrs to 0.0.0.0/0. A public endpoint is
-- accepted when PublicAccessCidrs lists only ranges narrower than the world (your offices, VPN,
-- CI runners); it fails when EndpointPublicAccess is true or absent and PublicAccessCidrs is
-- absent, empty or holds 0.0.0.0/0 or ::/0. EndpointPublicAccess false passes (private only).
local exposure = pp.lib("exposure")
local describe, world_cidr = exposure.describe, exposure.world_cidr
local is_unknown, is_view, is_list, to_bool, to_str = pp.is_unknown, pp.is_view, pp.is_list, pp.bool, pp.str

return {
  id = "eks-cluster-public-endpoint-restricted",
  types = { "AWS::EKS::Cluster" },
  related = { "CT.EKS.PR.1" },
  check = function(r, ctx)
    local p = r.properties
    local vc = p.ResourcesVpcConfig
    if vc == nil then
      return ctx.fail("ResourcesVpcConfig is not set: the API endpoint is public to 0.0.0.0/0", p)
    end
    if is_unknown(vc) then
      return ctx.unknown("ResourcesVpcConfig depends on a value Parapet cannot resolve", p,
                         "ResourcesVpcConfig")
    end
    if not is_view(vc) or is_list(vc) then
      return ctx.fail("ResourcesVpcConfig is " .. describe(vc) .. ", not an object", p,
                      "ResourcesVpcConfig")
    end
    local pub = vc.EndpointPublicAccess
    if is_unknown(pub) then
      return ctx.unknown("ResourcesVpcConfig.EndpointPublicAccess depends on a value Parapet "
                         .. "cannot resolve", vc, "EndpointPublicAccess")
    end
    if pub ~= nil then
      local b = to_bool(pub)
      if b == false then pp.is_unknown(vc.PublicAccessCidrs); return true end
      if b == nil then
        return ctx.fail("ResourcesVpcConfig.EndpointPublicAccess is " .. describe(pub)
                        .. ", not a boolean", vc, "EndpointPublicAccess")
      end
    end
    local state = pub == nil and "absent (public by default)" or "true"
    local cidrs = vc.PublicAccessCidrs
    if cidrs == nil then
      return ctx.fail("ResourcesVpcConfig.EndpointPublicAccess is " .. state .. " and "
                      .. "PublicAccessCidrs is not set: the API endpoint is open to 0.0.0.0/0",
                      vc, pub ~= nil and "EndpointPublicAccess" or nil)
    end
    if is_unknown(cidrs) then
      return ctx.unknown("ResourcesVpcConfig.PublicAccessCidrs depends on a value Parapet cannot "
                         .. "resolve; it fails if that includes 0.0.0.0/0", vc, "PublicAccessCidrs")
    end
    if not is_list(cidrs) then
      return ctx.fail("ResourcesVpcConfig.PublicAccessCidrs is " .. describe(cidrs)
                      .. ", not a list of CIDRs", vc, "PublicAccessCidrs")
    end
    if #cidrs == 0 then
      return ctx.fail("ResourcesVpcConfig.PublicAccessCidrs is empty, which EKS reads as "
                      .. "0.0.0.0/0", vc, "PublicAccessCidrs")
    end
    for i = 1, #cidrs do
      local c = cidrs[i]
      if is_unknown(c) then
        ctx.unknown(string.format("ResourcesVpcConfig.PublicAccessCidrs[%d] depends on a value "
                                  .. "Parapet cannot resolve", i - 1), cidrs, i)
      elseif world_cidr(to_str(c)) then
        ctx.fail(string.format("ResourcesVpcConfig.PublicAccessCidrs[%d] is %s: the API endpoint "
                               .. "is open to the internet", i - 1, to_str(c)), cidrs, i)
      end
    end
  end,
}
