-- CT.ELASTICLOADBALANCING.PR.5 (elbv2_deletion_protection_enabled_check): ELBv2 load balancers have deletion protection turned on.
return pp.lib("guard_elb").attribute_rule({ id = "ct-elasticloadbalancing-pr-5", required = true,
  key = "deletion_protection.enabled" })
