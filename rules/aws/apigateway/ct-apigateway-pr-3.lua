-- CT.APIGATEWAY.PR.3 (api_gw_cache_encrypted_check): API Gateway REST API stages with a cache encrypt cached data.
local g = pp.lib("guard")
local all_true = g.is_true
local eq_all = g.eq_all
local get = g.get
local is_view = pp.is_view

-- Guard's wildcard entry: HttpMethod "*", ResourcePath "/*", CacheDataEncrypted true.
local function encrypts_everything(m)
  local hm, rp, ce = get(m, "HttpMethod"), get(m, "ResourcePath"), get(m, "CacheDataEncrypted")
  return hm ~= nil and rp ~= nil and ce ~= nil and eq_all(hm, "*") and eq_all(rp, "/*") and all_true(ce)
end

return g.rule({ id = "ct-apigateway-pr-3", types = { "AWS::ApiGateway::Stage" },
  judge = function(ctx, p)
    local cc = p.CacheClusterEnabled
    if cc == nil or not all_true(cc) then
      return ctx.skip("the stage has no cache cluster")
    end
    local ms = p.MethodSettings
    if not is_view(ms) or #ms == 0 then
      if ms == nil then return ctx.fail("the stage caches but MethodSettings is missing, so cached data is not encrypted", p) end
      return ctx.fail("MethodSettings is " .. tostring(ms) .. ", not a list of method settings", p, "MethodSettings")
    end
    local wildcard = false
    for i = 1, #ms do
      local m = ms[i]
      if not wildcard and encrypts_everything(m) then wildcard = true end
      local ce = get(m, "CacheDataEncrypted")
      if ce ~= nil and not all_true(ce) then
        ctx.fail("CacheDataEncrypted of method setting " .. i .. " is " .. tostring(ce) .. ", not true", m, "CacheDataEncrypted")
      end
    end
    if not wildcard then
      ctx.fail("no MethodSettings entry sets CacheDataEncrypted true for HttpMethod * and ResourcePath /*", p, "MethodSettings")
    end
  end,
})
