-- A subnet that maps public IPs on launch gives every instance and ENI started in it a public
-- IPv4 address unless the launch says otherwise. That is a default, not an exposure by itself
-- (security groups still decide what reaches the address), hence medium; the instance rule
-- (ec2-instance-no-public-ip) follows SubnetId here to report the instances that inherit it.
local exposure = pp.lib("exposure")
local must_not_be_true, describe_empty = exposure.must_not_be_true, exposure.describe_empty
local CONSEQUENCE = "instances launched here get a public IPv4 address"
local OPTS = { describe = describe_empty }
local KEYS = { "MapPublicIpOnLaunch" }

return {
  id       = "ec2-subnet-no-auto-public-ip",
  title    = "Subnets do not assign public IPv4 addresses on launch",
  severity = "medium",
  types    = { "AWS::EC2::Subnet" },
  packs    = { "network" },
  related  = { "CT.EC2.PR.8" },
  fix      = "Set MapPublicIpOnLaunch to false (or remove it) and give public endpoints to load "
          .. "balancers or NAT gateways instead of instances.",
  docs     = "https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, CONSEQUENCE, OPTS)
  end,
}
