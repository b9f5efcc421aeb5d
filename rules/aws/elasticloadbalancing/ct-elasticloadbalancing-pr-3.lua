-- CT.ELASTICLOADBALANCING.PR.3 (alb_desync_mode_check): Application Load Balancers use defensive or strictest desync mitigation.
return pp.lib("guard_elb").attribute_rule({ id = "ct-elasticloadbalancing-pr-3",
  lb_type = "application", skip = "not an Application Load Balancer", key = "routing.http.desync_mitigation_mode",
  allowed = { defensive = true, strictest = true }, bad = ", not defensive or strictest" })
