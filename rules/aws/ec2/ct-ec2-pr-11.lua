-- CT.EC2.PR.11: VPC subnets must not assign public IP addresses on launch.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return g.rule({ id = "ct-ec2-pr-11", types = { "AWS::EC2::Subnet" }, noun = "subnet",
  judge = function(ctx, p)
    local v = p.MapPublicIpOnLaunch
    if v ~= nil and not is_false(v) then
      return ctx.fail("MapPublicIpOnLaunch is " .. show(v) .. "; it must be the boolean false or absent",
                      p, "MapPublicIpOnLaunch")
    end
  end,
})
