-- CT.EC2.PR.16: EC2 instances must name an AWS Nitro instance type.
return pp.lib("guard_ec2").instance_type_rule({ id = "ct-ec2-pr-16", families = "nitro",
  missing = "InstanceType is not set, so the default (m1.small, not Nitro) would be used",
  bad = ", not an AWS Nitro instance type" })
