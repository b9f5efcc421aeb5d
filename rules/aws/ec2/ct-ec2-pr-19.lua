-- CT.EC2.PR.19: EC2 instances must use a Nitro instance type that encrypts traffic between instances.
return pp.lib("guard_ec2").instance_type_rule({ id = "ct-ec2-pr-19", families = "nitro_encrypted_in_transit",
  missing = "InstanceType is not set, so the default type (without in-transit encryption) would be used",
  bad = ", not a Nitro instance type that encrypts traffic between instances" })
