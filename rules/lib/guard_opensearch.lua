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
--   section_rule(spec): a rule checking the fields of one section (ct-opensearch-pr-6, -7, -14, -15)
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

local is_struct, all_true, nonblank, local_ref, in_set = g.is_struct_read, g.is_true, g.nonblank,
  g.local_ref, g.in_set
local is_view = pp.is_view
local tostring = tostring

-- node[key] under the label `at` ("LogPublishingOptions.AUDIT_LOGS"): absent FAILs "AT.KEY is
-- missing" at node (passes when optional); a value ok() refuses FAILs "AT.KEY is V<bad>" at node[key].
local function field(ctx, node, at, key, ok, bad, optional)
  local v = node[key]
  if v == nil then
    if optional then return end
    ctx.fail(at .. "." .. key .. " is missing", node)
  elseif not ok(v, ctx) then
    ctx.fail(at .. "." .. key .. " is " .. tostring(v) .. bad, node, key)
  end
end

local function log_group(v, ctx)
  return nonblank(v) or local_ref(ctx, v, "AWS::Logs::LogGroup")
end

-- The check of one log type of LogPublishingOptions: an object with Enabled true and a log group.
local function logs_check(kind)
  local at = "LogPublishingOptions." .. kind
  return function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, "LogPublishingOptions")
    if c == nil then return failed end
    local logs = c[kind]
    if logs == nil then
      ctx.fail(at .. " is missing", c)
    elseif not is_struct(logs) then
      ctx.fail(at .. " is " .. tostring(logs) .. ", not a map", c, kind)
    else
      field(ctx, logs, at, "Enabled", all_true, ", not true")
      field(ctx, logs, at, "CloudWatchLogsLogGroupArn", log_group,
            ", neither a log group ARN nor a reference to a log group in this template")
    end
  end
end

-- The check of a section whose fields are judged in order: {key, ok, bad, optional}.
local function section_check(key, fields)
  return function(r, ctx)
    local p = r.properties
    local c, failed = section(ctx, p, key)
    if c == nil then return failed end
    for i = 1, #fields do
      local f = fields[i]
      field(ctx, c, key, f[1], f[2], f[3], f[4])
    end
  end
end

local TLS_POLICIES = { ["Policy-Min-TLS-1-2-2019-07"] = true }
local function non_empty_list(v) return is_view(v) and #v > 0 end

M.application_logging_enabled_check = logs_check("ES_APPLICATION_LOGS")
M.audit_logging_enabled_check = logs_check("AUDIT_LOGS")
M.encrypted_at_rest_check = section_check("EncryptionAtRestOptions", { { "Enabled", all_true, ", not true" } })
M.https_required_check = section_check("DomainEndpointOptions", {
  { "EnforceHTTPS", all_true, ", not true" },
  { "TLSSecurityPolicy", function(v) return in_set(v, TLS_POLICIES) end, ", not Policy-Min-TLS-1-2-2019-07" },
})
M.in_vpc_only_check = section_check("VPCOptions", { { "SubnetIds", non_empty_list, ", not a non-empty list" } })
M.node_to_node_encryption_check = section_check("NodeToNodeEncryptionOptions",
  { { "Enabled", all_true, ", not true" } })

-- section_rule(spec): the rule (spec.id, spec.types) that is section_check(spec.key, spec.fields).
function M.section_rule(spec)
  return { id = spec.id, types = spec.types, check = section_check(spec.key, spec.fields) }
end
M.at_least_3 = function(v) return g.int_ge(v, 3) end

return M
