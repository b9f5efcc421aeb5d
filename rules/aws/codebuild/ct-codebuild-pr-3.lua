-- CT.CODEBUILD.PR.3 (codebuild_project_logging_enabled_check): CodeBuild projects send build logs to CloudWatch Logs or S3.
-- Parapet resolves Fn::Join: an S3Logs.Location built with Fn::Join around a bucket reference reaches the
-- rule as a deploy-time unknown and is reported UNKNOWN (Guard accepts a Join that names a bucket).
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local blank = g.blank
local nonblank = g.nonblank
local local_ref = g.local_ref

local is_unknown = pp.is_unknown

local function cloudwatch_on(lc)
  local cw = lc.CloudWatchLogs
  return is_struct(cw) and cw.Status ~= nil and eq_all(cw.Status, "ENABLED")
end

-- Guard's check_s3_logs: true, false, or "unknown" for a Location that Parapet cannot see.
local function s3_on(ctx, lc)
  local s3 = lc.S3Logs
  if not is_struct(s3) or s3.Status == nil or not eq_all(s3.Status, "ENABLED") then return false end
  local loc = s3.Location
  if loc == nil then return false end
  if nonblank(loc) or local_ref(ctx, loc, "AWS::S3::Bucket") then return true end
  if is_unknown(loc) then return "unknown" end
  return false
end

return {
  id         = "ct-codebuild-pr-3",
  title      = "CodeBuild projects send build logs to CloudWatch Logs or S3",
  severity   = "medium",
  types      = { "AWS::CodeBuild::Project" },
  packs      = { "control-tower" },
  controls   = { "CT.CODEBUILD.PR.3", "codebuild_project_logging_enabled_check" },
  guard      = "codebuild_project_logging_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(12)", "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)",
    "NIST 800-53 Rev 5:AC-6(9)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:AU-9(7)", "NIST 800-53 Rev 5:CA-7",
    "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4",
    "NIST 800-53 Rev 5:SI-4(20)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2",
    "PCI DSS version 3.2.1:10.2.3", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/codebuild/latest/userguide/create-project-console.html#create-project-console-logs",
  fix        = "In LogsConfig set CloudWatchLogs.Status to ENABLED, or S3Logs.Status to ENABLED with a Location.",
  check = function(r, ctx)
    local p = r.properties
    local lc = p.LogsConfig
    if lc == nil then
      return ctx.fail("LogsConfig is missing, so build logs are not kept", p)
    end
    if not is_struct(lc) then
      return ctx.fail("LogsConfig is " .. tostring(lc) .. ", not a map", p, "LogsConfig")
    end
    if cloudwatch_on(lc) then return end
    local s3 = s3_on(ctx, lc)
    if s3 == true then return end
    if s3 == "unknown" then
      return ctx.unknown("S3Logs.Location is computed (for example with Fn::Join); whether it names a bucket is not known",
                         lc.S3Logs, "Location")
    end
    return ctx.fail("LogsConfig turns on neither CloudWatchLogs nor S3Logs with a Location", p, "LogsConfig")
  end,
}
