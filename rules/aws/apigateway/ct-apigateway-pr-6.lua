-- CT.APIGATEWAY.PR.6 (api_gw_domain_tls_check): API Gateway custom domain names require TLS 1.2.
local g = pp.lib("guard")
local in_set = g.in_set

local TLS12 = { TLS_1_2 = true }

return {
  id         = "ct-apigateway-pr-6",
  title      = "API Gateway custom domain names require TLS 1.2",
  severity   = "high",
  types      = { "AWS::ApiGateway::DomainName" },
  packs      = { "control-tower" },
  controls   = { "CT.APIGATEWAY.PR.6", "api_gw_domain_tls_check" },
  guard      = "api_gw_domain_tls_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
  fix        = "Leave SecurityPolicy out or set it to TLS_1_2.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.SecurityPolicy
    if v ~= nil and not in_set(v, TLS12) then
      return ctx.fail("SecurityPolicy is " .. tostring(v) .. ", not TLS_1_2", p, "SecurityPolicy")
    end
  end,
}
