-- CT.APIGATEWAY.PR.2 (api_gw_xray_enabled_check): API Gateway REST API stages have X-Ray tracing turned on.
local g = pp.lib("guard")
local all_true = g.is_true

return g.rule({ id = "ct-apigateway-pr-2", types = { "AWS::ApiGateway::Stage" },
  judge = function(ctx, p)
    local v = p.TracingEnabled
    if v == nil then
      return ctx.fail("TracingEnabled is missing", p)
    end
    if not all_true(v) then
      return ctx.fail("TracingEnabled is " .. tostring(v) .. ", not true", p, "TracingEnabled")
    end
  end,
})
