-- CT.CODEBUILD.PR.6 (codebuild_project_s3_logs_encrypted_check): CodeBuild projects encrypt the build logs they write to S3.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local all_false = g.is_false

return g.rule({ id = "ct-codebuild-pr-6", types = { "AWS::CodeBuild::Project" },
  judge = function(ctx, p)
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
})
