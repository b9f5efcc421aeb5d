-- CT.EC2.PR.19: EC2 instances must use a Nitro instance type that encrypts traffic between instances.
local g = pp.lib("guard")
local show = g.show


local FAMILIES = pp.lib("ec2_families").nitro_encrypted_in_transit

local ec2 = pp.lib("guard_ec2")
local _, accepted = ec2.instance_types(FAMILIES.families, FAMILIES.exact)

return g.rule({ id = "ct-ec2-pr-19", types = { "AWS::EC2::Instance" }, noun = "instance",
  judge = function(ctx, p)
    local it = p.InstanceType
    if it == nil then
      return ctx.fail("InstanceType is not set, so the default type (without in-transit encryption) would be used", p)
    end
    if not accepted(it) then
      return ctx.fail("InstanceType is " .. show(it) ..
                      ", not a Nitro instance type that encrypts traffic between instances", p, "InstanceType")
    end
  end,
})
