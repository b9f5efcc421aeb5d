-- Plain-text secrets in an ECS Express Mode service's PrimaryContainer.Environment. Environment
-- values are stored in the task definition Express Mode creates, readable by anyone who can
-- describe it; secrets belong in PrimaryContainer.Secrets (ValueFrom a Secrets Manager secret
-- or an SSM SecureString parameter), which the execution role fetches at start.
--
-- Fails an entry whose Name matches `name_patterns` (globs, compared in upper case) and not
-- `ignore_names` (names that carry a pointer, not a secret: *_ARN, *_FILE, …) and whose Value is
-- set — a literal, a parameter (NoEcho does not keep it out of the task definition) or a
-- {{resolve:…}} dynamic reference (resolved into the task definition in plain text); and an
-- entry of any name whose Value looks like a credential: an AWS access key id (AKIA…/ASIA… and
-- 16 more), a PEM private key, a GitHub or Slack token.
local describe = pp.lib("exposure").describe
local is_unknown, is_view, is_list, to_str, glob = pp.is_unknown, pp.is_view, pp.is_list, pp.str, pp.glob
local upper, find = string.upper, string.find

local derived = {}

-- A reason when the value looks like a credential, else nil.
local function looks_like_key(s)
  if find(s, "^A[KS]IA[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]"
             .. "[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]$") then
    return "an AWS access key id"
  end
  if find(s, "-----BEGIN ", 1, true) and find(s, "PRIVATE KEY-----", 1, true) then
    return "a PEM private key"
  end
  if find(s, "^gh[pousr]_[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]") and #s >= 36 then
    return "a GitHub token"
  end
  if find(s, "^xox[abprs]%-") then return "a Slack token" end
  return nil
end

local function matches_any(list, name)
  for i = 1, #list do
    if glob(list[i], name) then return true end
  end
  return false
end

return {
  id = "ecs-express-no-plaintext-secrets",
  types = { "AWS::ECS::ExpressGatewayService" },
  params = {
    name_patterns = { "*PASSWORD*", "*PASSWD*", "*SECRET*", "*TOKEN*", "*API_KEY*", "*APIKEY*",
                      "*PRIVATE_KEY*", "*ACCESS_KEY*", "*CREDENTIAL*" },
    ignore_names  = { "*_ARN", "*_FILE", "*_PATH", "*_URL", "*_URI", "*_ENDPOINT", "*_NAME",
                      "*_PARAMETER", "*_ID" },
  },
  check = function(r, ctx)
    local params = ctx.params
    if derived.params ~= params then
      derived.params = params
      derived.names, derived.ignore = {}, {}
      for _, v in ipairs(params.name_patterns or {}) do derived.names[#derived.names + 1] = upper(to_str(v) or "") end
      for _, v in ipairs(params.ignore_names or {}) do derived.ignore[#derived.ignore + 1] = upper(to_str(v) or "") end
    end
    local pc = r.properties.PrimaryContainer
    if pc == nil or is_unknown(pc) or not is_view(pc) then return true end
    local env = pc.Environment
    if env == nil then return true end
    if is_unknown(env) then
      return ctx.unknown("PrimaryContainer.Environment depends on a value Parapet cannot resolve",
                         pc, "Environment")
    end
    if not is_list(env) then return true end
    for i = 1, #env do
      local e = env[i]
      if e ~= nil and is_view(e) and not is_list(e) then
        local where = string.format("PrimaryContainer.Environment[%d]", i - 1)
        local n, v = e.Name, e.Value
        local name = not is_unknown(n) and to_str(n) or nil
        local unknown_value = is_unknown(v)
        local value = not unknown_value and to_str(v) or nil
        local un = name and upper(name)
        if un and value ~= "" and (unknown_value or value ~= nil)
           and matches_any(derived.names, un) and not matches_any(derived.ignore, un) then
          local how = unknown_value and "a value from a parameter or import"
                      or (find(value, "{{resolve:", 1, true) and "a {{resolve:…}} dynamic reference, "
                          .. "stored in the task definition in plain text")
                      or "a plain-text value"
          ctx.fail(where .. " " .. name .. " looks like a secret and has " .. how
                   .. "; use PrimaryContainer.Secrets", e, "Value")
        elseif value ~= nil then
          local kind = looks_like_key(value)
          if kind then
            ctx.fail(where .. " " .. (name or describe(n)) .. " holds what looks like " .. kind
                     .. "; use PrimaryContainer.Secrets", e, "Value")
          end
        end
      end
    end
  end,
}
