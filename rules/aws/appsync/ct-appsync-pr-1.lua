-- CT.APPSYNC.PR.1: a GraphQL API sends field-level logs to CloudWatch Logs.
-- Guard semantics kept: LogConfig must be an object; FieldLogLevel must be "ERROR" or "ALL"
-- (a list passes when every entry is, so an empty list passes); CloudWatchLogsRoleArn must be
-- a non-blank string or a Ref/GetAtt of an AWS::IAM::Role in this template.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local nonblank = g.nonblank
local local_ref = g.local_ref
local type, ipairs = type, ipairs
local is_view = pp.is_view

local LEVELS = { ERROR = true, ALL = true }

local level_ok = g.string_in(LEVELS)

return g.rule({ id = "ct-appsync-pr-1", types = { "AWS::AppSync::GraphQLApi" },
  judge = function(ctx, p)
    local lc = p.LogConfig
    if lc == nil then
      return ctx.fail("LogConfig is missing: the API does not log to CloudWatch", p)
    end
    if not is_view(lc) or is_list(lc) then
      return ctx.fail("LogConfig is " .. show(lc) .. ", not an object", p, "LogConfig")
    end
    local level = lc.FieldLogLevel
    if level == nil then
      ctx.fail("LogConfig.FieldLogLevel is missing: set it to ERROR or ALL", lc)
    elseif not level_ok(level) then
      ctx.fail("LogConfig.FieldLogLevel is " .. show(level) .. ": set it to ERROR or ALL", lc,
               "FieldLogLevel")
    end
    local role = lc.CloudWatchLogsRoleArn
    if role == nil then
      ctx.fail("LogConfig.CloudWatchLogsRoleArn is missing", lc)
    elseif not (nonblank(role) or local_ref(ctx, role, "AWS::IAM::Role")) then
      ctx.fail("LogConfig.CloudWatchLogsRoleArn is " .. show(role) .. ", neither a role ARN "
               .. "nor a reference to an AWS::IAM::Role in this template", lc,
               "CloudWatchLogsRoleArn")
    end
  end,
})
