-- CT.APIGATEWAY.PR.4 (api_gw_v2_access_logs_enabled_check): API Gateway V2 stages write access logs.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-apigateway-pr-4", types = { "AWS::ApiGatewayV2::Stage" },
  section = "AccessLogSettings", missing = "AccessLogSettings is missing", props = {
    { key = "DestinationArn", missing = true, ok = g.name_or_ref("AWS::Logs::LogGroup"),
      bad = ", neither a log group ARN nor a reference to a log group in this template" },
    { key = "Format", missing = true, ok = g.nonblank, bad = ", not a non-empty string" } } })
