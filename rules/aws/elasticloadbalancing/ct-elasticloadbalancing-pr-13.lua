-- CT.ELASTICLOADBALANCING.PR.13 (elb_cross_zone_load_balancing_enabled_check): Classic Load Balancers balance load across zones.
local g = pp.lib("guard")
local all_true = g.is_true

return g.rule({ id = "ct-elasticloadbalancing-pr-13", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
    local v = p.CrossZone
    if v == nil then
      return ctx.fail("CrossZone is missing", p)
    end
    if not all_true(v) then
      return ctx.fail("CrossZone is " .. tostring(v) .. ", not true", p, "CrossZone")
    end
  end,
})
