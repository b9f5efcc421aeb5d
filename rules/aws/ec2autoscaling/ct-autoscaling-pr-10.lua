-- CT.AUTOSCALING.PR.10: Auto Scaling groups may only override launch templates with AWS Nitro
-- instance types.
return pp.lib("guard_ec2").group_override_rule({
  id = "ct-autoscaling-pr-10", families = "nitro",
  what = "an AWS Nitro instance type",
})
