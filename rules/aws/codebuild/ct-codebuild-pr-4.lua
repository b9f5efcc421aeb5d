-- CT.CODEBUILD.PR.4 (codebuild_project_environment_privileged_check): CodeBuild projects do not run builds in privileged mode.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_false = g.is_false

return g.rule({ id = "ct-codebuild-pr-4", types = { "AWS::CodeBuild::Project" },
  judge = function(ctx, p)
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
})
