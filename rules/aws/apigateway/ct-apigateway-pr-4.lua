-- CT.APIGATEWAY.PR.4 (api_gw_v2_access_logs_enabled_check): API Gateway V2 stages write access logs.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local blank = g.blank
local nonblank = g.nonblank
local local_ref = g.local_ref

return {
  id         = "ct-apigateway-pr-4",
  title      = "API Gateway V2 stages write access logs",
  severity   = "medium",
  types      = { "AWS::ApiGatewayV2::Stage" },
  packs      = { "control-tower" },
  controls   = { "CT.APIGATEWAY.PR.4", "api_gw_v2_access_logs_enabled_check" },
  guard      = "api_gw_v2_access_logs_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
  fix        = "Add AccessLogSettings with DestinationArn (a log group ARN or a reference to a log group in this template) and a Format.",
  check = function(r, ctx)
    local p = r.properties
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
}
