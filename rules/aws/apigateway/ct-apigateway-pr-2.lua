-- CT.APIGATEWAY.PR.2 (api_gw_xray_enabled_check): API Gateway REST API stages have X-Ray tracing turned on.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-apigateway-pr-2", types = { "AWS::ApiGateway::Stage" }, props = { {
  key = "TracingEnabled", missing = "TracingEnabled is missing",
  ok = g.is_true, show = tostring, bad = ", not true" } } })
