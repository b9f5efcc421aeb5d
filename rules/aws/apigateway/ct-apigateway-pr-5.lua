-- CT.APIGATEWAY.PR.5 (api_gw_v2_authorization_type_configured_check): API Gateway V2 routes require authorization.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local in_set = g.in_set

local AUTH = { AWS_IAM = true, JWT = true, CUSTOM = true }

return g.rule({ id = "ct-apigateway-pr-5", types = { "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::ApiGatewayManagedOverrides" },
  judge = function(ctx, p, r)
    local node = p
    if r.type == "AWS::ApiGatewayV2::ApiGatewayManagedOverrides" then
      node = p.Route
      if not is_struct(node) or node.AuthorizationType == nil then
        return ctx.skip("the overrides do not set Route.AuthorizationType")
      end
    end
    local v = node.AuthorizationType
    if v == nil then
      return ctx.fail("AuthorizationType is missing, so the route is open", node)
    end
    if not in_set(v, AUTH) then
      return ctx.fail("AuthorizationType is " .. tostring(v) .. ", not AWS_IAM, JWT or CUSTOM", node, "AuthorizationType")
    end
  end,
})
