-- CT.ELASTICLOADBALANCING.PR.11 (elb_connection_draining_enabled_check): Classic Load Balancers drain connections.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true

return g.rule({ id = "ct-elasticloadbalancing-pr-11", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
    local c = p.ConnectionDrainingPolicy
    if c == nil then
      return ctx.fail("ConnectionDrainingPolicy is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("ConnectionDrainingPolicy is " .. tostring(c) .. ", not a map",
                      p, "ConnectionDrainingPolicy")
    end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("ConnectionDrainingPolicy.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("ConnectionDrainingPolicy.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
  end,
})
