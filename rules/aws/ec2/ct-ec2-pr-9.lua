-- CT.EC2.PR.9: network interfaces created from an EC2 launch template must not get a public IP.
local g = pp.lib("guard")
local no_public_ip = pp.lib("guard_ec2").no_public_ip
local is_list, is_struct = pp.is_list, pp.is_map

return g.rule({ id = "ct-ec2-pr-9", types = { "AWS::EC2::LaunchTemplate" }, noun = "launch template",
  judge = function(ctx, p)
    local data = p.LaunchTemplateData
    local nis = is_struct(data) and data.NetworkInterfaces
    if not is_list(nis) or #nis == 0 then
      return ctx.skip("the launch template declares no network interfaces")
    end
    return no_public_ip(ctx, nis, "LaunchTemplateData.", true)
  end,
})
