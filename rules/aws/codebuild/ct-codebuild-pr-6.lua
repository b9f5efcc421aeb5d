-- CT.CODEBUILD.PR.6 (codebuild_project_s3_logs_encrypted_check): CodeBuild projects encrypt the build logs they write to S3.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local all_false = g.is_false

return {
  id         = "ct-codebuild-pr-6",
  title      = "CodeBuild projects encrypt the build logs they write to S3",
  severity   = "high",
  types      = { "AWS::CodeBuild::Project" },
  packs      = { "control-tower" },
  controls   = { "CT.CODEBUILD.PR.6", "codebuild_project_s3_logs_encrypted_check" },
  guard      = "codebuild_project_s3_logs_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:10.5", "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:3.4",
  },
  docs       = "https://docs.aws.amazon.com/codebuild/latest/userguide/create-project-console.html#create-project-console-logs",
  fix        = "Leave LogsConfig.S3Logs.EncryptionDisabled out or set it to false (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local lc = p.LogsConfig
    local s3
    if is_struct(lc) then s3 = lc.S3Logs end
    if not is_struct(s3) or s3.Status == nil or not eq_all(s3.Status, "ENABLED") then
      return ctx.skip("S3 logs are not enabled")
    end
    local v = s3.EncryptionDisabled
    if v ~= nil and not all_false(v) then
      return ctx.fail("S3Logs.EncryptionDisabled is " .. tostring(v) .. ", not false", s3, "EncryptionDisabled")
    end
  end,
}
