-- CT.AUTOSCALING.PR.11: Auto Scaling groups may only override launch templates with Nitro instance
-- types that encrypt traffic between instances.
return pp.lib("guard_ec2").group_override_rule({
  id = "ct-autoscaling-pr-11", families = "nitro_encrypted_in_transit",
  what = "a Nitro instance type with in-transit encryption",
})
