-- CT.AUTOSCALING.PR.9: EBS block device mappings of Auto Scaling launch configurations must be
-- encrypted.
return pp.lib("guard_ec2").ebs_encrypted_rule({ id = "ct-autoscaling-pr-9", template = false })
