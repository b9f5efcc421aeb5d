-- CT.EC2.PR.8: EC2 instances must not get a public IP address: no top-level SubnetId (which
-- leaves the subnet default in charge) and AssociatePublicIpAddress: false on every new
-- network interface.
local g = pp.lib("guard")
local no_public_ip = pp.lib("guard_ec2").no_public_ip
local is_list = pp.is_list

return g.rule({ id = "ct-ec2-pr-8", types = { "AWS::EC2::Instance" }, noun = "instance",
  judge = function(ctx, p)
    local ok = true
    if p.SubnetId ~= nil then
      ok = ctx.fail("SubnetId is set on the instance, so the subnet decides whether it gets a public IP; " ..
                    "set the subnet in NetworkInterfaces with AssociatePublicIpAddress: false instead", p, "SubnetId")
    end
    local nis = p.NetworkInterfaces
    if is_list(nis) then
      ok = no_public_ip(ctx, nis, "", ok)
    end
    return ok
  end,
})
