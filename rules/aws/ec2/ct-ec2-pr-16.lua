-- CT.EC2.PR.16: EC2 instances must name an AWS Nitro instance type.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

-- Nitro instance types: "<family>.<size>" for these families, and a few whole names.
local TYPES_FAMILIES = {
  "a1", "c5", "c5a", "c5ad", "c5d", "c5n", "c6a", "c6g", "c6gd", "c6gn", "c6i", "c6id", "c6in",
  "c7a", "c7g", "c7gd", "c7gn", "c7i", "d3", "d3en", "dl1", "dl2q", "g4ad", "g4dn", "g5", "g5g",
  "hpc6a", "hpc6id", "hpc7a", "hpc7g", "i3en", "i4g", "i4i", "im4gn", "inf1", "inf2", "is4gen",
  "m5", "m5a", "m5ad", "m5d", "m5dn", "m5n", "m5zn", "m6a", "m6g", "m6gd", "m6i", "m6id",
  "m6idn", "m6in", "m7a", "m7g", "m7gd", "m7i-flex", "m7i", "p3dn", "p4d", "p4de", "p5", "r5",
  "r5a", "r5ad", "r5b", "r5d", "r5dn", "r5n", "r6a", "r6g", "r6gd", "r6i", "r6id", "r6idn",
  "r6in", "r7a", "r7g", "r7gd", "r7i", "r7iz", "t3", "t3a", "t4g", "trn1", "trn1n", "u-12tb1",
  "u-18tb1", "u-24tb1", "u-3tb1", "u-6tb1", "u-9tb1", "vt1", "x2gd", "x2idn", "x2iedn", "x2iezn",
  "z1d"
}
local TYPES_EXACT = {
  "i3.metal", "mac1.metal", "mac2-m2.metal", "mac2-m2pro.metal", "mac2.metal"
}

local ec2 = pp.lib("guard_ec2")
local accepted1, accepted = ec2.instance_types(TYPES_FAMILIES, TYPES_EXACT)

return {
  id       = "ct-ec2-pr-16",
  types    = { "AWS::EC2::Instance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the instance has no Properties") end
    local it = p.InstanceType
    if it == nil then
      return ctx.fail("InstanceType is not set, so the default (m1.small, not Nitro) would be used", p)
    end
    if not accepted(it) then
      return ctx.fail("InstanceType is " .. show(it) .. ", not an AWS Nitro instance type", p, "InstanceType")
    end
  end,
}
