-- CT.EC2.PR.14: EBS block device mappings of EC2 launch templates must be encrypted.
return pp.lib("guard_ec2").ebs_encrypted_rule({ id = "ct-ec2-pr-14", template = true })
