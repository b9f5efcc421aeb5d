-- CT.ELASTICLOADBALANCING.PR.13 (elb_cross_zone_load_balancing_enabled_check): Classic Load Balancers balance load across zones.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-elasticloadbalancing-pr-13", types = { "AWS::ElasticLoadBalancing::LoadBalancer" }, props = { {
  key = "CrossZone", missing = "CrossZone is missing",
  ok = g.is_true, show = tostring, bad = ", not true" } } })
