-- CT.EC2.PR.18: EC2 fleets may only override launch templates with AWS Nitro instance types.
return pp.lib("guard_ec2").fleet_override_rule({
  id = "ct-ec2-pr-18", families = "nitro",
  what = "an AWS Nitro instance type",
})
