-- CT.CODEBUILD.PR.4 (codebuild_project_environment_privileged_check): CodeBuild projects do not run builds in privileged mode.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_false = g.is_false

return {
  id         = "ct-codebuild-pr-4",
  title      = "CodeBuild projects do not run builds in privileged mode",
  severity   = "high",
  types      = { "AWS::CodeBuild::Project" },
  packs      = { "control-tower" },
  controls   = { "CT.CODEBUILD.PR.4", "codebuild_project_environment_privileged_check" },
  guard      = "codebuild_project_environment_privileged_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:AC-6(10)", "NIST 800-53 Rev 5:AC-6(2)", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/codebuild/latest/userguide/create-project-console.html#create-project-console-environment",
  fix        = "Leave Environment.PrivilegedMode out or set it to false (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local env = p.Environment
    if env == nil then
      return ctx.fail("Environment is missing", p)
    end
    if not is_struct(env) then
      return ctx.fail("Environment is " .. tostring(env) .. ", not a map", p, "Environment")
    end
    local v = env.PrivilegedMode
    if v ~= nil and not all_false(v) then
      return ctx.fail("Environment.PrivilegedMode is " .. tostring(v) .. ", not false", env, "PrivilegedMode")
    end
  end,
}
