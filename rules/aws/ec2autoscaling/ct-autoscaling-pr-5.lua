-- CT.AUTOSCALING.PR.5: Auto Scaling launch configurations must not give instances a public IP.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-autoscaling-pr-5", types = { "AWS::AutoScaling::LaunchConfiguration" }, noun = "launch configuration", props = { {
  key = "AssociatePublicIpAddress", missing = "AssociatePublicIpAddress is not set, so the subnet default decides; set it to false",
  ok = g.is_false, bad = "; it must be the boolean false" } } })
