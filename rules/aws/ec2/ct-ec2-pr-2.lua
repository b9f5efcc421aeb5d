-- CT.EC2.PR.2: EC2 launch templates must keep the metadata token hop limit at 1.
local ec2 = pp.lib("guard_ec2")
return ec2.imds_rule({ id = "ct-ec2-pr-2", template = true, judge = ec2.hop_limit_one })
