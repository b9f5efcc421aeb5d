-- CT.OPENSEARCH.PR.5 (elasticsearch_audit_logging_enabled_check): Elasticsearch domains publish audit logs to CloudWatch Logs.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's `v == true`: a list passes when every item is true (an empty list passes).
local function all_true(v)
  if is_view(v) then
    for i = 1, #v do
      if v[i] ~= true then return false end
    end
    return #v > 0 or tostring(v) == "[]"
  end
  return v == true
end

local UWS = { [0x85] = true, [0xA0] = true, [0x1680] = true, [0x2028] = true, [0x2029] = true,
              [0x202F] = true, [0x205F] = true, [0x3000] = true }

-- True when s is only whitespace (Guard's /\A\s*\z/, Unicode \s).
local function blank(s)
  if not s:find("[\128-\255]") then return s:find("^%s*$") ~= nil end
  for _, c in utf8.codes(s) do
    if not ((c >= 9 and c <= 13) or c == 32 or UWS[c] or (c >= 0x2000 and c <= 0x200A)) then
      return false
    end
  end
  return true
end

-- Guard's check_is_string_and_not_empty: a string that is not only whitespace.
local function nonblank(v)
  return type(v) == "string" and not blank(v)
end

-- Guard's check_local_references: a {Fn::GetAtt: [Id, …]} or {Ref: Id} naming a resource of
-- type rtype in this template.
local function local_ref(ctx, v, rtype)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_view(ga) and type(ga[1]) == "string" then
    local t = ctx.resource(ga[1])
    if t and t.type == rtype then return true end
  end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and t.type == rtype then return true end
  end
  return false
end

return {
  id         = "ct-opensearch-pr-5",
  title      = "Elasticsearch domains publish audit logs to CloudWatch Logs",
  severity   = "medium",
  types      = { "AWS::Elasticsearch::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.5", "elasticsearch_audit_logging_enabled_check" },
  guard      = "elasticsearch_audit_logging_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-6(9)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-3(8)",
    "NIST 800-53 Rev 5:SI-4(20)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2",
    "PCI DSS version 3.2.1:10.2.3", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html#createdomain-configure-slow-logs-console",
  fix        = "Under LogPublishingOptions.AUDIT_LOGS set Enabled to true and CloudWatchLogsLogGroupArn to a log group ARN or a reference to a log group in this template.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.LogPublishingOptions
    if c == nil then
      return ctx.fail("LogPublishingOptions is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("LogPublishingOptions is " .. tostring(c) .. ", not a map",
                      p, "LogPublishingOptions")
    end
    local logs = c.AUDIT_LOGS
    if logs == nil then
      ctx.fail("LogPublishingOptions.AUDIT_LOGS is missing", c)
    elseif not is_struct(logs) then
      ctx.fail("LogPublishingOptions.AUDIT_LOGS is " .. tostring(logs) .. ", not a map",
               c, "AUDIT_LOGS")
    else
      local enabled = logs.Enabled
      if enabled == nil then
        ctx.fail("LogPublishingOptions.AUDIT_LOGS.Enabled is missing", logs)
      elseif not all_true(enabled) then
        ctx.fail("LogPublishingOptions.AUDIT_LOGS.Enabled is " .. tostring(enabled) .. ", not true",
                 logs, "Enabled")
      end
      local group = logs.CloudWatchLogsLogGroupArn
      if group == nil then
        ctx.fail("LogPublishingOptions.AUDIT_LOGS.CloudWatchLogsLogGroupArn is missing", logs)
      elseif not nonblank(group) and not local_ref(ctx, group, "AWS::Logs::LogGroup") then
        ctx.fail("LogPublishingOptions.AUDIT_LOGS.CloudWatchLogsLogGroupArn is " .. tostring(group) .. ", neither a log group ARN nor a reference to a log group in this template",
                 logs, "CloudWatchLogsLogGroupArn")
      end
    end
  end,
}
