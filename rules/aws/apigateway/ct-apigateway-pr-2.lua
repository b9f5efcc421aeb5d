-- CT.APIGATEWAY.PR.2 (api_gw_xray_enabled_check): API Gateway REST API stages have X-Ray tracing turned on.
local g = pp.lib("guard")
local all_true = g.is_true

return {
  id         = "ct-apigateway-pr-2",
  title      = "API Gateway REST API stages have X-Ray tracing turned on",
  severity   = "low",
  types      = { "AWS::ApiGateway::Stage" },
  packs      = { "control-tower" },
  controls   = { "CT.APIGATEWAY.PR.2", "api_gw_xray_enabled_check" },
  guard      = "api_gw_xray_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-7", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/xray/latest/devguide/xray-services-apigateway.html",
  fix        = "Set TracingEnabled to true (a boolean) on the stage.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.TracingEnabled
    if v == nil then
      return ctx.fail("TracingEnabled is missing", p)
    end
    if not all_true(v) then
      return ctx.fail("TracingEnabled is " .. tostring(v) .. ", not true", p, "TracingEnabled")
    end
  end,
}
