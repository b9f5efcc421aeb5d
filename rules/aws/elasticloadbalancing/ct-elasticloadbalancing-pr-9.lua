-- CT.ELASTICLOADBALANCING.PR.9 (elb_tls_https_listeners_only_check): Classic Load Balancers only have HTTPS or SSL listeners.
local g = pp.lib("guard")
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local SECURE = { HTTPS = true, SSL = true }

return g.rule({ id = "ct-elasticloadbalancing-pr-9", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
    local ls = p.Listeners
    if not is_view(ls) or #ls == 0 then
      if ls == nil then return ctx.fail("Listeners is missing", p) end
      return ctx.fail("Listeners is " .. tostring(ls) .. ", not a list of listeners", p, "Listeners")
    end
    for i = 1, #ls do
      local l = ls[i]
      local proto = get(l, "Protocol")
      if proto == nil then
        ctx.fail("listener " .. i .. " has no Protocol", ls, i)
      elseif not in_set(proto, SECURE) then
        ctx.fail("listener " .. i .. " uses " .. tostring(proto) .. ", not HTTPS or SSL", l, "Protocol")
      end
    end
  end,
})
