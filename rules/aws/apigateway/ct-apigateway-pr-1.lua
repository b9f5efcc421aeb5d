-- CT.APIGATEWAY.PR.1 (api_gw_v1_execution_logging_enabled_check): API Gateway REST API stages log execution for all methods.
local g = pp.lib("guard")
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local LEVELS = { ERROR = true, INFO = true }

-- Guard's wildcard entry: HttpMethod "*", ResourcePath "/*", LoggingLevel ERROR or INFO.
local function logs_everything(m)
  local hm, rp, ll = get(m, "HttpMethod"), get(m, "ResourcePath"), get(m, "LoggingLevel")
  return hm ~= nil and rp ~= nil and ll ~= nil and eq_all(hm, "*") and eq_all(rp, "/*") and in_set(ll, LEVELS)
end

return g.rule({ id = "ct-apigateway-pr-1", types = { "AWS::ApiGateway::Stage" },
  judge = function(ctx, p)
    local ms = p.MethodSettings
    if not is_view(ms) or #ms == 0 then
      if ms == nil then return ctx.fail("MethodSettings is missing, so execution logging is off", p) end
      return ctx.fail("MethodSettings is " .. tostring(ms) .. ", not a list of method settings", p, "MethodSettings")
    end
    local wildcard = false
    for i = 1, #ms do
      local m = ms[i]
      if not wildcard and logs_everything(m) then wildcard = true end
      local ll = get(m, "LoggingLevel")
      if ll ~= nil and not in_set(ll, LEVELS) then
        ctx.fail("LoggingLevel of method setting " .. i .. " is " .. tostring(ll) .. ", not ERROR or INFO", m, "LoggingLevel")
      end
    end
    if not wildcard then
      ctx.fail("no MethodSettings entry turns on execution logging (ERROR or INFO) for HttpMethod * and ResourcePath /*",
               p, "MethodSettings")
    end
  end,
})
