-- CT.AUTOSCALING.PR.10: Auto Scaling groups may only override launch templates with AWS Nitro
-- instance types.
local g = pp.lib("guard")
local show = g.show
local get = g.get
local is_list = pp.is_list

local is_struct = pp.is_map

local FAMILIES = pp.lib("ec2_families").nitro

local ec2 = pp.lib("guard_ec2")
local _, accepted = ec2.instance_types(FAMILIES.families, FAMILIES.exact)

local WHAT = "an AWS Nitro instance type"

return {
  id       = "ct-autoscaling-pr-10",
  types    = { "AWS::AutoScaling::AutoScalingGroup" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the Auto Scaling group has no Properties") end
    local mip = p.MixedInstancesPolicy
    local lt = is_struct(mip) and mip.LaunchTemplate or nil
    local ov = is_struct(lt) and lt.Overrides or nil
    local any = false
    if is_list(ov) then
      for i = 1, #ov do
        if get(ov[i], "InstanceType") ~= nil or get(ov[i], "InstanceRequirements") ~= nil then
          any = true; break
        end
      end
    end
    if not any then return ctx.skip("the group overrides no instance types") end
    local ok = true
    for i = 1, #ov do
      local o = ov[i]
      local it, req = get(o, "InstanceType"), get(o, "InstanceRequirements")
      local at = "MixedInstancesPolicy.LaunchTemplate.Overrides[" .. i .. "]"
      if it ~= nil and not accepted(it) then
        ok = ctx.fail(at .. ".InstanceType is " .. show(it) .. ", not " .. WHAT, o, "InstanceType")
      end
      if req ~= nil then
        local allowed = get(req, "AllowedInstanceTypes")
        if not is_list(allowed) or #allowed == 0 then
          ok = ctx.fail(at .. ".InstanceRequirements does not list AllowedInstanceTypes, so types other than " ..
                        WHAT .. " may be chosen", o, "InstanceRequirements")
        else
          for k = 1, #allowed do
            if not accepted(allowed[k]) then
              ok = ctx.fail(at .. ".InstanceRequirements.AllowedInstanceTypes[" .. k .. "] is " ..
                            show(allowed[k]) .. ", not " .. WHAT, allowed, k)
            end
          end
        end
      end
    end
    return ok
  end,
}
