-- CT.ELASTICLOADBALANCING.PR.11 (elb_connection_draining_enabled_check): Classic Load Balancers drain connections.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-elasticloadbalancing-pr-11", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  section = "ConnectionDrainingPolicy", missing = "ConnectionDrainingPolicy is missing", props = {
    { key = "Enabled", missing = true, ok = g.is_true, bad = ", not true" } } })
