-- CT.ELASTICLOADBALANCING.PR.15 (elbv2_target_group_cross_zone_check): ELBv2 target groups do not turn off cross-zone load balancing.
return pp.lib("guard_elb").attribute_rule({ id = "ct-elasticloadbalancing-pr-15",
  type = "AWS::ElasticLoadBalancingV2::TargetGroup", list = "TargetGroupAttributes",
  key = "load_balancing.cross_zone.enabled",
  allowed = { [true] = true, ["true"] = true, use_load_balancer_configuration = true },
  bad = ", not true or use_load_balancer_configuration" })
