-- CT.EC2.PR.20: EC2 fleets may only override launch templates with Nitro instance types that encrypt
-- traffic between instances.
return pp.lib("guard_ec2").fleet_override_rule({
  id = "ct-ec2-pr-20", families = "nitro_encrypted_in_transit",
  what = "a Nitro instance type with in-transit encryption",
})
