-- CT.CODEBUILD.PR.3 (codebuild_project_logging_enabled_check): CodeBuild projects send build logs to CloudWatch Logs or S3.
-- Parapet resolves Fn::Join: an S3Logs.Location built with Fn::Join around a bucket reference reaches the
-- rule as a deploy-time unknown and is reported UNKNOWN (Guard accepts a Join that names a bucket).
local g = pp.lib("guard")
local struct_at = g.struct_at
local is_struct = g.is_struct_read
local eq_all = g.eq_all
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

return g.rule({ id = "ct-codebuild-pr-3", types = { "AWS::CodeBuild::Project" },
  judge = function(ctx, p)
    local lc, verdict = struct_at(ctx, p, "LogsConfig", "LogsConfig is missing, so build logs are not kept")
    if lc == nil then return verdict end
    if cloudwatch_on(lc) then return end
    local s3 = s3_on(ctx, lc)
    if s3 == true then return end
    if s3 == "unknown" then
      return ctx.unknown("S3Logs.Location is computed (for example with Fn::Join); whether it names a bucket is not known",
                         lc.S3Logs, "Location")
    end
    return ctx.fail("LogsConfig turns on neither CloudWatchLogs nor S3Logs with a Location", p, "LogsConfig")
  end,
})
