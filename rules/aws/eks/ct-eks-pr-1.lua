-- CT.EKS.PR.1: an EKS cluster's API endpoint is private only.
-- Guard semantics kept: ResourcesVpcConfig must be an object with EndpointPublicAccess present
-- and the boolean false and EndpointPrivateAccess present and the boolean true (strings fail;
-- lists pass when every entry matches).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local is_view = pp.is_view

return g.rule({ id = "ct-eks-pr-1", types = { "AWS::EKS::Cluster" },
  judge = function(ctx, p)
    local vc = p.ResourcesVpcConfig
    if vc == nil then
      return ctx.fail("ResourcesVpcConfig is missing", p)
    end
    if not is_view(vc) or is_list(vc) then
      return ctx.fail("ResourcesVpcConfig is " .. show(vc) .. ", not an object", p,
                      "ResourcesVpcConfig")
    end
    local pub, priv = vc.EndpointPublicAccess, vc.EndpointPrivateAccess
    if pub == nil then
      ctx.fail("ResourcesVpcConfig.EndpointPublicAccess is missing (the default is true)", vc)
    elseif not all_eq(pub, false) then
      ctx.fail("ResourcesVpcConfig.EndpointPublicAccess is " .. show(pub)
               .. ": the API endpoint is reachable from the internet", vc,
               "EndpointPublicAccess")
    end
    if priv == nil then
      ctx.fail("ResourcesVpcConfig.EndpointPrivateAccess is missing (the default is false)", vc)
    elseif not all_eq(priv, true) then
      ctx.fail("ResourcesVpcConfig.EndpointPrivateAccess is " .. show(priv)
               .. ", not the boolean true", vc, "EndpointPrivateAccess")
    end
  end,
})
