-- CT.APIGATEWAY.PR.4 (api_gw_v2_access_logs_enabled_check): API Gateway V2 stages write access logs.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local nonblank = g.nonblank
local local_ref = g.local_ref

return g.rule({ id = "ct-apigateway-pr-4", types = { "AWS::ApiGatewayV2::Stage" },
  judge = function(ctx, p)
    local c = p.AccessLogSettings
    if c == nil then
      return ctx.fail("AccessLogSettings is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("AccessLogSettings is " .. tostring(c) .. ", not a map",
                      p, "AccessLogSettings")
    end
    local destinationArn = c.DestinationArn
    if destinationArn == nil then
      ctx.fail("AccessLogSettings.DestinationArn is missing", c)
    elseif not nonblank(destinationArn) and not local_ref(ctx, destinationArn, "AWS::Logs::LogGroup") then
      ctx.fail("AccessLogSettings.DestinationArn is " .. tostring(destinationArn) .. ", neither a log group ARN nor a reference to a log group in this template",
               c, "DestinationArn")
    end
    local format = c.Format
    if format == nil then
      ctx.fail("AccessLogSettings.Format is missing", c)
    elseif not nonblank(format) then
      ctx.fail("AccessLogSettings.Format is " .. tostring(format) .. ", not a non-empty string",
               c, "Format")
    end
  end,
})
