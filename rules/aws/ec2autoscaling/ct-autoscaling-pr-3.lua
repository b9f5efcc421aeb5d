-- CT.AUTOSCALING.PR.3: Auto Scaling launch configurations must keep the metadata token hop
-- limit at 1.
local ec2 = pp.lib("guard_ec2")
return ec2.imds_rule({ id = "ct-autoscaling-pr-3", template = false, judge = ec2.hop_limit_one })
