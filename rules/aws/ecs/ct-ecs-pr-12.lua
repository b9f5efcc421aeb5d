-- CT.ECS.PR.12 (ecs_no_environment_secrets_check): ECS container definitions do not pass credentials as environment variables.
local get = pp.lib("guard").get
local is_view = pp.is_view

local RESTRICTED = { AWS_ACCESS_KEY_ID = true, AWS_SECRET_ACCESS_KEY = true, ECS_ENGINE_AUTH_DATA = true }

-- Guard's `Name not in RESTRICTED`: a list passes when it has items and none is restricted;
-- a map is never "in" the list.
local function allowed(n)
  if is_view(n) then
    local k = #n
    for i = 1, k do
      local x = n[i]
      if type(x) == "string" and RESTRICTED[x] then return false end
    end
    return k > 0 or tostring(n) ~= "[]"
  end
  return type(n) ~= "string" or not RESTRICTED[n]
end

return pp.lib("guard_ecs").container_rule({
  id = "ct-ecs-pr-12", none = "no container definition has an Environment list",
  each = function(ctx, cds, i, c)
    local env = get(c, "Environment")
    if not (is_view(env) and #env > 0) then return false end
    for j = 1, #env do
      local e = env[j]
      local n = get(e, "Name")
      if n == nil then
        ctx.fail("Environment entry " .. j .. " of container definition " .. i .. " has no Name", env, j)
      elseif not allowed(n) then
        ctx.fail("container definition " .. i .. " passes " .. tostring(n) ..
                 " as a plain environment variable", e, "Name")
      end
    end
    return true
  end,
})
