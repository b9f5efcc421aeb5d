-- CT.EC2.PR.13: EC2 instances must turn on detailed monitoring.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-ec2-pr-13", types = { "AWS::EC2::Instance" }, noun = "instance", props = { {
  key = "Monitoring", missing = "Monitoring is not set, so detailed monitoring stays off",
  ok = g.is_true, bad = "; it must be the boolean true" } } })
