-- CT.EC2.PR.17: EC2 dedicated hosts must use a Nitro instance family or type that supports dedicated hosts.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

-- Nitro instance types with dedicated host support: "<family>.<size>", and a few whole names.
local TYPES_FAMILIES = {
  "a1", "c5", "c5d", "c5n", "c6a", "c6g", "c6gd", "c6gn", "c6i", "c6id", "c6in", "c7a", "c7g",
  "c7gd", "c7gn", "c7i", "dl1", "g4ad", "g4dn", "g5", "g5g", "i3en", "i4g", "i4i", "im4gn",
  "inf1", "inf2", "m5", "m5d", "m5dn", "m5n", "m5zn", "m6a", "m6g", "m6gd", "m6i", "m6id",
  "m6idn", "m6in", "m7a", "m7g", "m7gd", "m7i", "p4d", "p4de", "p5", "r5", "r5b", "r5d", "r5dn",
  "r5n", "r6a", "r6g", "r6gd", "r6i", "r6id", "r6idn", "r6in", "r7a", "r7g", "r7gd", "r7i",
  "r7iz", "t3", "trn1", "u-12tb1", "u-18tb1", "u-24tb1", "u-6tb1", "u-9tb1", "x2gd", "x2idn",
  "x2iedn", "x2iezn", "z1d"
}
local TYPES_EXACT = {
  "i3.metal", "mac1.metal", "mac2-m2.metal", "mac2-m2pro.metal", "mac2.metal"
}

-- Nitro instance families with dedicated host support (whole names).
local HOST_EXACT = {
  "a1", "c5", "c5d", "c5n", "c6a", "c6g", "c6gd", "c6gn", "c6i", "c6id", "c6in", "c7a", "c7g",
  "c7gd", "c7gn", "c7i", "dl1", "g4ad", "g4dn", "g5", "g5g", "i3en", "i4g", "i4i", "im4gn",
  "inf1", "inf2", "m5", "m5d", "m5dn", "m5n", "m5zn", "m6a", "m6g", "m6gd", "m6i", "m6id",
  "m6idn", "m6in", "m7a", "m7g", "m7gd", "m7i", "p4d", "p4de", "p5", "r5", "r5b", "r5d", "r5dn",
  "r5n", "r6a", "r6g", "r6gd", "r6i", "r6id", "r6idn", "r6in", "r7a", "r7g", "r7gd", "r7i",
  "r7iz", "t3", "trn1", "u-12tb1", "u-18tb1", "u-24tb1", "u-6tb1", "u-9tb1", "x2gd", "x2idn",
  "x2iedn", "x2iezn", "z1d"
}

local ec2 = pp.lib("guard_ec2")
local accepted1, accepted = ec2.instance_types(TYPES_FAMILIES, TYPES_EXACT)

local FAMILY_NAME = {}
for _, n in ipairs(HOST_EXACT) do FAMILY_NAME[n] = true end

-- Guard `v in [/^family$/, ...]`: a list passes when every element matches
local function family_ok(v)
  if is_list(v) then
    for i = 1, #v do
      if not (type(v[i]) == "string" and FAMILY_NAME[v[i]]) then return false end
    end
    return true
  end
  return type(v) == "string" and FAMILY_NAME[v] == true
end

return {
  id       = "ct-ec2-pr-17",
  types    = { "AWS::EC2::Host" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the dedicated host has no Properties") end
    local fam, it = p.InstanceFamily, p.InstanceType
    if fam == nil and it == nil then
      return ctx.fail("the dedicated host sets neither InstanceFamily nor InstanceType", p)
    end
    local ok = true
    if fam ~= nil and not family_ok(fam) then
      ok = ctx.fail("InstanceFamily is " .. show(fam) .. ", not a Nitro family with dedicated host support",
                    p, "InstanceFamily")
    end
    if it ~= nil and not accepted(it) then
      ok = ctx.fail("InstanceType is " .. show(it) .. ", not a Nitro type with dedicated host support",
                    p, "InstanceType")
    end
    return ok
  end,
}
