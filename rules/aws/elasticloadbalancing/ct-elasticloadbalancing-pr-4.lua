-- CT.ELASTICLOADBALANCING.PR.4 (alb_http_drop_invalid_header_enabled_check): Application Load Balancers drop invalid HTTP header fields.
local g = pp.lib("guard")
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local TRUE = { [true] = true, ["true"] = true }
local KEY = "routing.http.drop_invalid_header_fields.enabled"

return g.rule({ id = "ct-elasticloadbalancing-pr-4",
  types = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  judge = function(ctx, p)
    if p.Type == nil or not eq_all(p.Type, "application") then
      return ctx.skip("not a load balancer of Type application")
    end
    local attrs = p.LoadBalancerAttributes
    if not is_view(attrs) or #attrs == 0 then
      if attrs == nil then return ctx.fail("LoadBalancerAttributes is missing, so " .. KEY .. " is not true", p) end
      return ctx.fail("LoadBalancerAttributes is " .. tostring(attrs) .. ", not a list of attributes",
                      p, "LoadBalancerAttributes")
    end
    for i = 1, #attrs do
      local a = attrs[i]
      local k, v = get(a, "Key"), get(a, "Value")
      if k ~= nil and v ~= nil and eq_all(k, KEY) and in_set(v, TRUE) then return end
    end
    return ctx.fail("LoadBalancerAttributes has no " .. KEY .. " entry with Value true", p, "LoadBalancerAttributes")
  end,
})
