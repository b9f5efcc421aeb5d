-- A subnet that maps public IPs on launch gives every instance and ENI started in it a public
-- IPv4 address unless the launch says otherwise. That is a default, not an exposure by itself
-- (security groups still decide what reaches the address), hence medium; the instance rule
-- (ec2-instance-no-public-ip) follows SubnetId here to report the instances that inherit it.
-- How a value that is not a boolean reads in a message.
local describe = pp.lib("exposure").describe_empty

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
    local p = r.properties
    local v = p.MapPublicIpOnLaunch
    if v == nil then return true end
    if pp.is_unknown(v) then
      return ctx.unknown("MapPublicIpOnLaunch depends on a value Parapet cannot resolve", p,
                         "MapPublicIpOnLaunch")
    end
    local b = pp.bool(v)
    if b == true then
      return ctx.fail("MapPublicIpOnLaunch is " .. tostring(v)
                      .. ": instances launched here get a public IPv4 address", p,
                      "MapPublicIpOnLaunch")
    elseif b == nil then
      -- Not a boolean: CloudFormation rejects it, and a guardrail that cannot read the value
      -- must not pass it silently.
      return ctx.fail("MapPublicIpOnLaunch is " .. describe(v)
                      .. ", not a boolean", p, "MapPublicIpOnLaunch")
    end
  end,
}
