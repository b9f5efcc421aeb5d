-- CT.EC2.PR.16: EC2 instances must name an AWS Nitro instance type.
local g = pp.lib("guard")
local show = g.show


local FAMILIES = pp.lib("ec2_families").nitro

local ec2 = pp.lib("guard_ec2")
local _, accepted = ec2.instance_types(FAMILIES.families, FAMILIES.exact)

return g.rule({ id = "ct-ec2-pr-16", types = { "AWS::EC2::Instance" }, noun = "instance",
  judge = function(ctx, p)
    local it = p.InstanceType
    if it == nil then
      return ctx.fail("InstanceType is not set, so the default (m1.small, not Nitro) would be used", p)
    end
    if not accepted(it) then
      return ctx.fail("InstanceType is " .. show(it) .. ", not an AWS Nitro instance type", p, "InstanceType")
    end
  end,
})
