-- CT.ELASTICLOADBALANCING.PR.5 (elbv2_deletion_protection_enabled_check): ELBv2 load balancers have deletion protection turned on.
local g = pp.lib("guard")
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local TRUE = { [true] = true, ["true"] = true }
local KEY = "deletion_protection.enabled"

return g.rule({ id = "ct-elasticloadbalancing-pr-5",
  types = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  judge = function(ctx, p)
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
