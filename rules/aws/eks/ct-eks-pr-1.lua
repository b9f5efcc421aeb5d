-- CT.EKS.PR.1: an EKS cluster's API endpoint is private only.
-- Guard semantics kept: ResourcesVpcConfig must be an object with EndpointPublicAccess present
-- and the boolean false and EndpointPrivateAccess present and the boolean true (strings fail;
-- lists pass when every entry matches).
local g = pp.lib("guard")
local object_at, check_props, eq_ipairs = g.object_at, g.check_props, g.eq_ipairs

local CONFIG = { "ResourcesVpcConfig" }
local ENDPOINTS = {
  { key = "EndpointPublicAccess", missing = "ResourcesVpcConfig.EndpointPublicAccess is missing (the default is true)",
    ok = function(v) return eq_ipairs(v, false) end, bad = ": the API endpoint is reachable from the internet" },
  { key = "EndpointPrivateAccess", missing = "ResourcesVpcConfig.EndpointPrivateAccess is missing (the default is false)",
    ok = function(v) return eq_ipairs(v, true) end, bad = ", not the boolean true" },
}

return g.rule({ id = "ct-eks-pr-1", types = { "AWS::EKS::Cluster" },
  judge = function(ctx, p)
    local vc = object_at(ctx, p, CONFIG)
    if vc == nil then return false end
    return check_props(ctx, vc, ENDPOINTS, "ResourcesVpcConfig.")
  end,
})
