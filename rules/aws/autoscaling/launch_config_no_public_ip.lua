-- AssociatePublicIpAddress on a launch configuration applies to every instance the Auto
-- Scaling group starts. Absent, the subnet's MapPublicIpOnLaunch decides; that is judged by
-- ec2-subnet-no-auto-public-ip, so this rule fails only an explicit true.
local exposure = pp.lib("exposure")
local must_not_be_true, describe_empty = exposure.must_not_be_true, exposure.describe_empty
local CONSEQUENCE = "every instance of the group gets a public IPv4 address"
local OPTS = { describe = describe_empty }
local KEYS = { "AssociatePublicIpAddress" }

return {
  id       = "autoscaling-launch-config-no-public-ip",
  title    = "Auto Scaling launch configurations do not assign public IP addresses",
  severity = "high",
  types    = { "AWS::AutoScaling::LaunchConfiguration" },
  packs    = { "network" },
  related  = { "CT.AUTOSCALING.PR.5" },
  fix      = "Set AssociatePublicIpAddress to false in the launch configuration (or remove it and "
          .. "launch into private subnets); put a load balancer in front of the group for public traffic.",
  docs     = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-in-vpc.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, CONSEQUENCE, OPTS)
  end,
}
