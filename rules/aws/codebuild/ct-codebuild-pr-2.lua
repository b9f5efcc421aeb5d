-- CT.CODEBUILD.PR.2 (codebuild_project_envvar_awscred_check): CodeBuild projects do not keep AWS credentials in plaintext environment variables.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local in_set = g.in_set
local ne_all = g.ne_all
local nonblank = g.nonblank
local is_view = pp.is_view

local CREDENTIALS = { AWS_ACCESS_KEY_ID = true, AWS_SECRET_ACCESS_KEY = true }

return g.rule({ id = "ct-codebuild-pr-2", types = { "AWS::CodeBuild::Project" },
  judge = function(ctx, p)
    local env = p.Environment
    local vars
    if is_struct(env) then vars = env.EnvironmentVariables end
    if not is_view(vars) or #vars == 0 then
      return ctx.skip("no EnvironmentVariables")
    end
    for i = 1, #vars do
      local v = vars[i]
      local name
      if is_view(v) then name = v.Name end
      if name ~= nil and in_set(name, CREDENTIALS) then
        local t = v.Type
        if t == nil then
          ctx.fail("environment variable " .. tostring(name) .. " has no Type, so it is stored in plaintext", vars, i)
        elseif not nonblank(t) or not ne_all(t, "PLAINTEXT") then
          ctx.fail("environment variable " .. tostring(name) .. " has Type " .. tostring(t) .. "; AWS credentials must not be plaintext",
                   v, "Type")
        end
      end
    end
  end,
})
