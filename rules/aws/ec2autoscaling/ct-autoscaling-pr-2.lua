-- CT.AUTOSCALING.PR.2: Auto Scaling launch configurations that serve instance metadata must
-- require IMDSv2 tokens.
local ec2 = pp.lib("guard_ec2")
return ec2.imds_rule({ id = "ct-autoscaling-pr-2", template = false, judge = ec2.tokens_required,
  missing = "MetadataOptions is not set, so IMDSv1 stays allowed" })
