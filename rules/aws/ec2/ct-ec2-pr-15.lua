-- CT.EC2.PR.15: EC2 launch templates may only name AWS Nitro instance types, both in
-- InstanceType and in InstanceRequirements.AllowedInstanceTypes.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local is_struct = pp.is_map

local FAMILIES = pp.lib("ec2_families").nitro
local ec2 = pp.lib("guard_ec2")
local _, nitro = ec2.instance_types(FAMILIES.families, FAMILIES.exact)

return g.rule({ id = "ct-ec2-pr-15", types = { "AWS::EC2::LaunchTemplate" }, noun = "launch template",
  judge = function(ctx, p)
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
})
