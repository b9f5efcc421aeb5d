-- CT.EC2.PR.1: EC2 launch templates that serve instance metadata must require IMDSv2 tokens.
local ec2 = pp.lib("guard_ec2")
return ec2.imds_rule({ id = "ct-ec2-pr-1", template = true, judge = ec2.tokens_required,
  missing = "LaunchTemplateData has no MetadataOptions, so IMDSv1 stays allowed" })
