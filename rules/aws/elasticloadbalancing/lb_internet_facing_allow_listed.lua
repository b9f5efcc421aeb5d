-- Internet-facing load balancers are how services are meant to face the internet, so they are
-- not wrong; but each should be a decision. This rule fails an Application, Network or Classic
-- Load Balancer whose Scheme is internet-facing — or absent, which is internet-facing for all
-- three — unless it is in the break-glass allow-list (`allow_logical_ids`, or `allow_tags`:
-- "Key=Value" or "Key"). Gateway Load Balancers have no scheme and are skipped.
local exposure = pp.lib("exposure")
local upper_str, allow_listed = exposure.upper_str, exposure.allow_listed

return {
  id = "elb-internet-facing-allow-listed",
  types = { "AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer" },
  params = { allow_logical_ids = {}, allow_tags = {} },
  check = function(r, ctx)
    local p = r.properties
    if r.type == "AWS::ElasticLoadBalancingV2::LoadBalancer" then
      local t = upper_str(p, "Type")
      if t == "GATEWAY" then return ctx.skip("Gateway Load Balancers have no scheme") end
    end
    local u, raw = upper_str(p, "Scheme")
    if u == "INTERNAL" then return true end
    if raw == "unknown" then
      return ctx.unknown("Scheme depends on a value Parapet cannot resolve", p, "Scheme")
    end
    local why = allow_listed(r, ctx.params)
    if why then return ctx.skip("allowed to face the internet: " .. why) end
    if raw == "absent" then
      return ctx.fail("Scheme is not set, so the load balancer is internet-facing; it is not in "
                      .. "the allow-list", p)
    end
    return ctx.fail("Scheme is " .. tostring(raw) .. " and the load balancer is not in the allow-list",
                    p, "Scheme")
  end,
}
