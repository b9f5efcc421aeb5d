-- CT.APPSYNC.PR.3: a GraphQL API does not authenticate with API keys.
-- Guard semantics kept: AuthenticationType must be present and not "API_KEY" (a list fails
-- when it is empty or contains "API_KEY"); when AdditionalAuthenticationProviders is a
-- non-empty list, every entry must be an object with an AuthenticationType meeting the same
-- test.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local ipairs = ipairs
local is_view = pp.is_view

-- Guard `v not in ["API_KEY"]`.
local function not_api_key(v)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if e == "API_KEY" then return false end
    end
    return true
  end
  return v ~= "API_KEY"
end

local function check_auth(ctx, node, where)
  local at = node.AuthenticationType
  if at == nil then
    ctx.fail(where .. "AuthenticationType is missing", node)
  elseif not not_api_key(at) then
    ctx.fail(where .. "AuthenticationType is " .. show(at) .. ": API keys are not allowed",
             node, "AuthenticationType")
  end
end

return g.rule({ id = "ct-appsync-pr-3", types = { "AWS::AppSync::GraphQLApi" },
  judge = function(ctx, p)
    check_auth(ctx, p, "")
    local extra = p.AdditionalAuthenticationProviders
    if not is_list(extra) then return end
    for i, e in ipairs(extra) do
      if is_view(e) and not is_list(e) then
        check_auth(ctx, e, "AdditionalAuthenticationProviders[" .. i .. "].")
      else
        ctx.fail("AdditionalAuthenticationProviders[" .. i .. "] is " .. show(e)
                 .. ", not a provider object", extra, i)
      end
    end
  end,
})
