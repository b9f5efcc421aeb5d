-- CT.CLOUDTRAIL.PR.3: a CloudTrail trail delivers its events to CloudWatch Logs.
-- Guard semantics kept: CloudWatchLogsLogGroupArn must be a non-blank string or a Ref/GetAtt
-- of an AWS::Logs::LogGroup in this template, and CloudWatchLogsRoleArn a non-blank string or
-- a Ref/GetAtt of an AWS::IAM::Role in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local local_ref = g.local_ref
local type, find = type, string.find

local function check_arn(ctx, p, key, rtype, what)
  local v = p[key]
  if v == nil then
    ctx.fail(key .. " is missing: the trail does not send events to CloudWatch Logs", p)
  elseif not ((nonblank(v)) or local_ref(ctx, v, rtype)) then
    ctx.fail(key .. " is " .. show(v) .. ", neither an ARN nor a reference to " .. what
             .. " in this template", p, key)
  end
end

return {
  title      = "CloudTrail trails send events to CloudWatch Logs",
  id         = "ct-cloudtrail-pr-3",
  severity   = "low",
  types      = { "AWS::CloudTrail::Trail" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDTRAIL.PR.3", "cloud_trail_cloud_watch_logs_enabled_check" },
  guard      = "cloud_trail_cloud_watch_logs_enabled_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:3.4", "NIST 800-53 Rev 5:AC-2(4)",
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-6(9)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(1)",
    "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:AU-6(5)", "NIST 800-53 Rev 5:AU-7(1)",
    "NIST 800-53 Rev 5:AU-9(7)", "NIST 800-53 Rev 5:CA-7",
    "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-20",
    "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4(20)",
    "NIST 800-53 Rev 5:SI-4(5)", "NIST 800-53 Rev 5:SI-7(8)",
    "PCI DSS version 3.2.1:10.5.3", "PCI DSS version 3.2.1:10.5.4",
    "PCI DSS version 3.2.1:2.2"
  },
  docs       = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
  fix        = "Set CloudWatchLogsLogGroupArn to the log group ARN and CloudWatchLogsRoleArn to a "
            .. "role CloudTrail can assume to write to it.",
  check = function(r, ctx)
    local p = r.properties
    check_arn(ctx, p, "CloudWatchLogsLogGroupArn", "AWS::Logs::LogGroup", "an AWS::Logs::LogGroup")
    check_arn(ctx, p, "CloudWatchLogsRoleArn", "AWS::IAM::Role", "an AWS::IAM::Role")
  end,
}
