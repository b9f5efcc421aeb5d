-- CT.EC2.PR.12: an EC2 instance may declare at most one network interface.
local is_list = pp.is_list
local rule = pp.lib("guard").rule

return rule({ id = "ct-ec2-pr-12", types = { "AWS::EC2::Instance" }, noun = "instance",
  judge = function(ctx, p)
    local nis = p.NetworkInterfaces
    if not is_list(nis) or #nis == 0 then
      return ctx.skip("the instance declares no network interfaces")
    end
    if #nis > 1 then
      return ctx.fail("NetworkInterfaces declares " .. #nis .. " interfaces; only one is allowed", nis, 2)
    end
  end,
})
