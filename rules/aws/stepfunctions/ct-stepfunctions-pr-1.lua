-- CT.STEPFUNCTIONS.PR.1: a Step Functions state machine logs to CloudWatch Logs.
-- Guard semantics kept: LoggingConfiguration must be an object; Level "ERROR" or "ALL" (a list
-- passes when every entry is); Destinations a non-empty list whose every entry is an object
-- with a CloudWatchLogsLogGroup object whose LogGroupArn is a non-blank string or a Ref/GetAtt
-- of an AWS::Logs::LogGroup in this template.
local g = pp.lib("guard")
local list_at = g.list_at
local nonblank = g.nonblank
local is_struct = g.is_struct
local show = g.show
local local_ref = g.local_ref
local type, ipairs = type, ipairs

local LEVELS = { ERROR = true, ALL = true }

local level_ok = g.string_in(LEVELS)

local function check_destination(ctx, dests, i, d)
  local where = "LoggingConfiguration.Destinations[" .. i .. "]"
  if not is_struct(d) then
    return ctx.fail(where .. " is " .. show(d) .. ", not a destination object", dests, i)
  end
  local lg = d.CloudWatchLogsLogGroup
  if lg == nil then
    return ctx.fail(where .. ".CloudWatchLogsLogGroup is missing", d)
  end
  if not is_struct(lg) then
    return ctx.fail(where .. ".CloudWatchLogsLogGroup is " .. show(lg) .. ", not an object", d,
                    "CloudWatchLogsLogGroup")
  end
  local arn = lg.LogGroupArn
  if arn == nil then
    return ctx.fail(where .. ".CloudWatchLogsLogGroup.LogGroupArn is missing", lg)
  end
  if not ((nonblank(arn))
          or local_ref(ctx, arn, "AWS::Logs::LogGroup")) then
    return ctx.fail(where .. ".CloudWatchLogsLogGroup.LogGroupArn is " .. show(arn)
                    .. ", neither an ARN nor a reference to an AWS::Logs::LogGroup in this "
                    .. "template", lg, "LogGroupArn")
  end
end

return g.rule({ id = "ct-stepfunctions-pr-1", types = { "AWS::StepFunctions::StateMachine" },
  judge = function(ctx, p)
    local lc, verdict = g.map_at(ctx, p, "LoggingConfiguration", "LoggingConfiguration is missing: executions are not logged")
    if lc == nil then return verdict end
    local level = lc.Level
    if level == nil then
      ctx.fail("LoggingConfiguration.Level is missing: set it to ERROR or ALL", lc)
    elseif not level_ok(level) then
      ctx.fail("LoggingConfiguration.Level is " .. show(level) .. ": set it to ERROR or ALL", lc,
               "Level")
    end
    local dests
    dests, verdict = list_at(ctx, lc, "Destinations", nil, "LoggingConfiguration.Destinations")
    if dests == nil then return verdict end
    for i, d in ipairs(dests) do
      check_destination(ctx, dests, i, d)
    end
  end,
})
