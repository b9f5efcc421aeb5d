-- CT.ELASTICLOADBALANCING.PR.14 (nlb_cross_zone_load_balancing_enabled_check): Network Load Balancers balance load across zones.
return pp.lib("guard_elb").attribute_rule({ id = "ct-elasticloadbalancing-pr-14", required = true,
  lb_type = "network", skip = "not a load balancer of Type network", key = "load_balancing.cross_zone.enabled" })
