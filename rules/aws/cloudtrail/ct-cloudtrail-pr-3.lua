-- CT.CLOUDTRAIL.PR.3: a CloudTrail trail delivers its events to CloudWatch Logs.
-- Guard semantics kept: CloudWatchLogsLogGroupArn must be a non-blank string or a Ref/GetAtt
-- of an AWS::Logs::LogGroup in this template, and CloudWatchLogsRoleArn a non-blank string or
-- a Ref/GetAtt of an AWS::IAM::Role in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local local_ref = g.local_ref
local type = type

local function check_arn(ctx, p, key, rtype, what)
  local v = p[key]
  if v == nil then
    ctx.fail(key .. " is missing: the trail does not send events to CloudWatch Logs", p)
  elseif not ((nonblank(v)) or local_ref(ctx, v, rtype)) then
    ctx.fail(key .. " is " .. show(v) .. ", neither an ARN nor a reference to " .. what
             .. " in this template", p, key)
  end
end

return g.rule({ id = "ct-cloudtrail-pr-3", types = { "AWS::CloudTrail::Trail" },
  judge = function(ctx, p)
    check_arn(ctx, p, "CloudWatchLogsLogGroupArn", "AWS::Logs::LogGroup", "an AWS::Logs::LogGroup")
    check_arn(ctx, p, "CloudWatchLogsRoleArn", "AWS::IAM::Role", "an AWS::IAM::Role")
  end,
})
