-- CT.EC2.PR.15: EC2 launch templates may only name AWS Nitro instance types, both in
-- InstanceType and in InstanceRequirements.AllowedInstanceTypes.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

-- Instance families the control accepts as Nitro ("<family>.<anything>"), and whole names.
local NITRO_FAMILIES = {
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
local NITRO_EXACT = {
  "i3.metal", "mac1.metal", "mac2-m2.metal", "mac2-m2pro.metal", "mac2.metal"
}
local ec2 = pp.lib("guard_ec2")
local nitro1, nitro = ec2.instance_types(NITRO_FAMILIES, NITRO_EXACT)

return {
  id       = "ct-ec2-pr-15",
  types    = { "AWS::EC2::LaunchTemplate" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the launch template has no Properties") end
    local data = p.LaunchTemplateData
    if not is_struct(data) then return ctx.skip("no LaunchTemplateData object") end
    local it, req = data.InstanceType, data.InstanceRequirements
    if it == nil and req == nil then
      return ctx.skip("the launch template sets neither InstanceType nor InstanceRequirements")
    end
    local ok = true
    if it ~= nil and not nitro(it) then
      ok = ctx.fail("LaunchTemplateData.InstanceType is " .. show(it) .. ", not an AWS Nitro instance type",
                    data, "InstanceType")
    end
    if req ~= nil then
      if not is_struct(req) then
        ok = ctx.fail("LaunchTemplateData.InstanceRequirements is " .. show(req) .. ", not an object",
                      data, "InstanceRequirements")
      else
        local allowed = req.AllowedInstanceTypes
        if not is_list(allowed) or #allowed == 0 then
          ok = ctx.fail("InstanceRequirements does not list AllowedInstanceTypes, so non-Nitro types may be chosen",
                        req, allowed ~= nil and "AllowedInstanceTypes" or nil)
        else
          for i = 1, #allowed do
            if not nitro(allowed[i]) then
              ok = ctx.fail("InstanceRequirements.AllowedInstanceTypes[" .. i .. "] is " .. show(allowed[i]) ..
                            ", not an AWS Nitro instance type", allowed, i)
            end
          end
        end
      end
    end
    return ok
  end,
}
