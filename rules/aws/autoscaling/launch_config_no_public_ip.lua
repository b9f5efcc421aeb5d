-- AssociatePublicIpAddress on a launch configuration applies to every instance the Auto
-- Scaling group starts. Absent, the subnet's MapPublicIpOnLaunch decides; that is judged by
-- ec2-subnet-no-auto-public-ip, so this rule fails only an explicit true.
-- How a value that is not a boolean reads in a message.
local describe = pp.lib("exposure").describe_empty

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
    local p = r.properties
    local v = p.AssociatePublicIpAddress
    if v == nil then return true end
    if pp.is_unknown(v) then
      return ctx.unknown("AssociatePublicIpAddress depends on a value Parapet cannot resolve", p,
                         "AssociatePublicIpAddress")
    end
    local b = pp.bool(v)
    if b == true then
      return ctx.fail("AssociatePublicIpAddress is " .. tostring(v)
                      .. ": every instance of the group gets a public IPv4 address", p,
                      "AssociatePublicIpAddress")
    elseif b == nil then
      return ctx.fail("AssociatePublicIpAddress is " .. describe(v)
                      .. ", not a boolean", p, "AssociatePublicIpAddress")
    end
  end,
}
