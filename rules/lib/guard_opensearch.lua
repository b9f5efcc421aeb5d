-- Shared by the Control Tower OpenSearch rules (rules/aws/opensearchservice/ct-opensearch-pr-*.lua):
-- each Elasticsearch control (AWS::Elasticsearch::Domain) and its OpenSearch Service twin
-- (AWS::OpenSearchService::Domain) check the same properties the same way, so the check body lives
-- here once, named after the Guard rule without its elasticsearch_/opensearch_ prefix. Each keeps
-- the helpers its rules used, in its own scope. Loads after rules/lib/guard.lua (name order).
--
--   application_logging_enabled_check: ct-opensearch-pr-4, ct-opensearch-pr-12
--   audit_logging_enabled_check: ct-opensearch-pr-5, ct-opensearch-pr-13
--   encrypted_at_rest_check: ct-opensearch-pr-1, ct-opensearch-pr-9
--   https_required_check: ct-opensearch-pr-8, ct-opensearch-pr-16
--   in_vpc_only_check: ct-opensearch-pr-2, ct-opensearch-pr-10
--   node_to_node_encryption_check: ct-opensearch-pr-3, ct-opensearch-pr-11
local g = pp.lib("guard")
local M = {}

-- p[key] when it is a map (read as Guard's is_struct reads it); otherwise nil and the result of
-- failing the resource: the key is missing, or not a map.
local is_struct_read = g.is_struct_read
local function section(ctx, p, key)
  local c = p[key]
  if c == nil then
    return nil, ctx.fail(key .. " is missing", p)
  end
  if not is_struct_read(c) then
    return nil, ctx.fail(key .. " is " .. tostring(c) .. ", not a map", p, key)
  end
  return c
end

do
  local is_struct = g.is_struct_read
  local all_true = g.is_true
  local nonblank = g.nonblank
  local local_ref = g.local_ref
  M.application_logging_enabled_check = function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "LogPublishingOptions")
    if c == nil then return failed end
    local logs = c.ES_APPLICATION_LOGS
    if logs == nil then
      ctx.fail("LogPublishingOptions.ES_APPLICATION_LOGS is missing", c)
    elseif not is_struct(logs) then
      ctx.fail("LogPublishingOptions.ES_APPLICATION_LOGS is " .. tostring(logs) .. ", not a map",
               c, "ES_APPLICATION_LOGS")
    else
      local enabled = logs.Enabled
      if enabled == nil then
        ctx.fail("LogPublishingOptions.ES_APPLICATION_LOGS.Enabled is missing", logs)
      elseif not all_true(enabled) then
        ctx.fail("LogPublishingOptions.ES_APPLICATION_LOGS.Enabled is " .. tostring(enabled) .. ", not true",
                 logs, "Enabled")
      end
      local group = logs.CloudWatchLogsLogGroupArn
      if group == nil then
        ctx.fail("LogPublishingOptions.ES_APPLICATION_LOGS.CloudWatchLogsLogGroupArn is missing",
                 logs)
      elseif not nonblank(group) and not local_ref(ctx, group, "AWS::Logs::LogGroup") then
        ctx.fail("LogPublishingOptions.ES_APPLICATION_LOGS.CloudWatchLogsLogGroupArn is " .. tostring(group) .. ", neither a log group ARN nor a reference to a log group in this template",
                 logs, "CloudWatchLogsLogGroupArn")
      end
    end
  end
end

do
  local is_struct = g.is_struct_read
  local all_true = g.is_true
  local nonblank = g.nonblank
  local local_ref = g.local_ref
  M.audit_logging_enabled_check = function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "LogPublishingOptions")
    if c == nil then return failed end
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
  end
end

do
  local all_true = g.is_true
  M.encrypted_at_rest_check = function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "EncryptionAtRestOptions")
    if c == nil then return failed end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("EncryptionAtRestOptions.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("EncryptionAtRestOptions.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
  end
end

do
  local all_true = g.is_true
  local in_set = g.in_set
  local TLS_POLICIES = { ["Policy-Min-TLS-1-2-2019-07"] = true }
  M.https_required_check = function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "DomainEndpointOptions")
    if c == nil then return failed end
    local enforceHTTPS = c.EnforceHTTPS
    if enforceHTTPS == nil then
      ctx.fail("DomainEndpointOptions.EnforceHTTPS is missing", c)
    elseif not all_true(enforceHTTPS) then
      ctx.fail("DomainEndpointOptions.EnforceHTTPS is " .. tostring(enforceHTTPS) .. ", not true",
               c, "EnforceHTTPS")
    end
    local tLSSecurityPolicy = c.TLSSecurityPolicy
    if tLSSecurityPolicy == nil then
      ctx.fail("DomainEndpointOptions.TLSSecurityPolicy is missing", c)
    elseif not in_set(tLSSecurityPolicy, TLS_POLICIES) then
      ctx.fail("DomainEndpointOptions.TLSSecurityPolicy is " .. tostring(tLSSecurityPolicy) .. ", not Policy-Min-TLS-1-2-2019-07",
               c, "TLSSecurityPolicy")
    end
  end
end

do
  local is_view = pp.is_view
  M.in_vpc_only_check = function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "VPCOptions")
    if c == nil then return failed end
    local subnetIds = c.SubnetIds
    if subnetIds == nil then
      ctx.fail("VPCOptions.SubnetIds is missing", c)
    elseif not is_view(subnetIds) or #subnetIds == 0 then
      ctx.fail("VPCOptions.SubnetIds is " .. tostring(subnetIds) .. ", not a non-empty list",
               c, "SubnetIds")
    end
  end
end

do
  local all_true = g.is_true
  M.node_to_node_encryption_check = function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "NodeToNodeEncryptionOptions")
    if c == nil then return failed end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("NodeToNodeEncryptionOptions.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("NodeToNodeEncryptionOptions.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
  end
end

return M
