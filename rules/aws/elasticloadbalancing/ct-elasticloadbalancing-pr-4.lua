-- CT.ELASTICLOADBALANCING.PR.4 (alb_http_drop_invalid_header_enabled_check): Application Load Balancers drop invalid HTTP header fields.
return pp.lib("guard_elb").attribute_rule({ id = "ct-elasticloadbalancing-pr-4", required = true,
  lb_type = "application", skip = "not a load balancer of Type application",
  key = "routing.http.drop_invalid_header_fields.enabled" })
