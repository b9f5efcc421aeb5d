-- AssociatePublicIpAddress on a launch configuration applies to every instance the Auto
-- Scaling group starts. Absent, the subnet's MapPublicIpOnLaunch decides; that is judged by
-- ec2-subnet-no-auto-public-ip, so this rule fails only an explicit true.
return pp.lib("exposure").flag_rule({ id = "autoscaling-launch-config-no-public-ip", types = { "AWS::AutoScaling::LaunchConfiguration" }, related = { "CT.AUTOSCALING.PR.5" },
  key = "AssociatePublicIpAddress", exposed = "every instance of the group gets a public IPv4 address" })
