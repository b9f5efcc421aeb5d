-- CT.CODEBUILD.PR.2 (codebuild_project_envvar_awscred_check): CodeBuild projects do not keep AWS credentials in plaintext environment variables.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's `v in [...]` for scalar choices (set: a table keyed by the allowed strings and
-- booleans): a list passes when every item is in the set (an empty list passes).
local function in_set(v, set)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if not set[v[i]] then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return set[v] == true
end

-- Guard's `v != x` for a string x: strings compare; other types cannot be compared and fail;
-- a list passes when every item passes (an empty list passes).
local function ne_all(v, x)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      local e = v[i]
      if type(e) ~= "string" or e == x then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return type(v) == "string" and v ~= x
end

local UWS = { [0x85] = true, [0xA0] = true, [0x1680] = true, [0x2028] = true, [0x2029] = true,
              [0x202F] = true, [0x205F] = true, [0x3000] = true }

-- True when s is only whitespace (Guard's /\A\s*\z/, Unicode \s).
local function blank(s)
  if not s:find("[\128-\255]") then return s:find("^%s*$") ~= nil end
  for _, c in utf8.codes(s) do
    if not ((c >= 9 and c <= 13) or c == 32 or UWS[c] or (c >= 0x2000 and c <= 0x200A)) then
      return false
    end
  end
  return true
end

-- Guard's check_is_string_and_not_empty: a string that is not only whitespace.
local function nonblank(v)
  return type(v) == "string" and not blank(v)
end

local CREDENTIALS = { AWS_ACCESS_KEY_ID = true, AWS_SECRET_ACCESS_KEY = true }

return {
  id         = "ct-codebuild-pr-2",
  title      = "CodeBuild projects do not keep AWS credentials in plaintext environment variables",
  severity   = "critical",
  types      = { "AWS::CodeBuild::Project" },
  packs      = { "control-tower" },
  controls   = { "CT.CODEBUILD.PR.2", "codebuild_project_envvar_awscred_check" },
  guard      = "codebuild_project_envvar_awscred_check",
  frameworks = {
    "NIST 800-53 Rev 5:IA-5(7)", "NIST 800-53 Rev 5:SA-3", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/codebuild/latest/userguide/create-project-console.html#create-project-console-environment",
  fix        = "Give AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables Type PARAMETER_STORE or SECRETS_MANAGER, or better, drop them and rely on the project's service role.",
  check = function(r, ctx)
    local p = r.properties
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
}
