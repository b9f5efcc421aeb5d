-- CT.ELASTICLOADBALANCING.PR.3 (alb_desync_mode_check): Application Load Balancers use defensive or strictest desync mitigation.
local g = pp.lib("guard")
local is_list = g.is_list_read
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get

local MODES = { defensive = true, strictest = true }
local KEY = "routing.http.desync_mitigation_mode"

return g.rule({ id = "ct-elasticloadbalancing-pr-3",
  types = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  judge = function(ctx, p)
    if p.Type == nil or not eq_all(p.Type, "application") then
      return ctx.skip("not an Application Load Balancer")
    end
    local attrs = p.LoadBalancerAttributes
    if attrs == nil then return end
    if not is_list(attrs) then
      return ctx.fail("LoadBalancerAttributes is " .. tostring(attrs) .. ", not a list", p, "LoadBalancerAttributes")
    end
    for i = 1, #attrs do
      local a = attrs[i]
      local k = get(a, "Key")
      if k ~= nil and eq_all(k, KEY) then
        local v = a.Value
        if v == nil then
          ctx.fail(KEY .. " has no Value", attrs, i)
        elseif not in_set(v, MODES) then
          ctx.fail(KEY .. " is " .. tostring(v) .. ", not defensive or strictest", a, "Value")
        end
      end
    end
  end,
})
