-- CT.EC2.PR.19: EC2 instances must use a Nitro instance type that encrypts traffic between instances.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

-- Nitro instance types with in-transit encryption between instances: "<family>.<size>".
local TYPES_FAMILIES = {
  "c5a", "c5ad", "c5n", "c6a", "c6gn", "c6i", "c6id", "c6in", "c7a", "c7g", "c7gd", "c7gn",
  "c7i", "d3", "d3en", "dl1", "dl2q", "g4ad", "g4dn", "g5", "hpc6a", "hpc6id", "hpc7a", "hpc7g",
  "i3en", "i4g", "i4i", "im4gn", "inf1", "inf2", "is4gen", "m5dn", "m5n", "m5zn", "m6a", "m6i",
  "m6id", "m6idn", "m6in", "m7a", "m7g", "m7gd", "m7i-flex", "m7i", "p3dn", "p4d", "p4de", "p5",
  "r5dn", "r5n", "r6a", "r6i", "r6id", "r6idn", "r6in", "r7a", "r7g", "r7gd", "r7i", "r7iz",
  "trn1", "trn1n", "u-12tb1", "u-18tb1", "u-24tb1", "u-3tb1", "u-6tb1", "u-9tb1", "vt1", "x2idn",
  "x2iedn", "x2iezn"
}
local TYPES_EXACT = {

}

local ec2 = pp.lib("guard_ec2")
local accepted1, accepted = ec2.instance_types(TYPES_FAMILIES, TYPES_EXACT)

return {
  id       = "ct-ec2-pr-19",
  types    = { "AWS::EC2::Instance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the instance has no Properties") end
    local it = p.InstanceType
    if it == nil then
      return ctx.fail("InstanceType is not set, so the default type (without in-transit encryption) would be used", p)
    end
    if not accepted(it) then
      return ctx.fail("InstanceType is " .. show(it) ..
                      ", not a Nitro instance type that encrypts traffic between instances", p, "InstanceType")
    end
  end,
}
