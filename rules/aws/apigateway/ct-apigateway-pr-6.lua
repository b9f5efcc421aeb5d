-- CT.APIGATEWAY.PR.6 (api_gw_domain_tls_check): API Gateway custom domain names require TLS 1.2.
local g = pp.lib("guard")
local in_set = g.in_set

local TLS12 = { TLS_1_2 = true }

return g.rule({ id = "ct-apigateway-pr-6", types = { "AWS::ApiGateway::DomainName" },
  judge = function(ctx, p)
    local v = p.SecurityPolicy
    if v ~= nil and not in_set(v, TLS12) then
      return ctx.fail("SecurityPolicy is " .. tostring(v) .. ", not TLS_1_2", p, "SecurityPolicy")
    end
  end,
})
