-- CT.EC2.PR.20: EC2 fleets may only override launch templates with Nitro instance types that encrypt
-- traffic between instances.
local g = pp.lib("guard")
local show = g.show
local get = g.get
local is_list = pp.is_list


local FAMILIES = pp.lib("ec2_families").nitro_encrypted_in_transit

local ec2 = pp.lib("guard_ec2")
local _, accepted = ec2.instance_types(FAMILIES.families, FAMILIES.exact)
local has_overrides, entries = ec2.has_overrides, ec2.entries

local WHAT = "a Nitro instance type with in-transit encryption"

return {
  id       = "ct-ec2-pr-20",
  types    = { "AWS::EC2::EC2Fleet" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the fleet has no Properties") end
    local configs = p.LaunchTemplateConfigs
    if not is_list(configs) or not has_overrides(configs) then
      return ctx.skip("the fleet overrides no instance types")
    end
    local ok = true
    for i = 1, #configs do
      local cfg = configs[i]
      local ov = get(cfg, "Overrides")
      local where = "LaunchTemplateConfigs[" .. i .. "]"
      if ov == nil then
        ok = ctx.fail(where .. " has no Overrides list to check", configs, i)
      else
        local list = entries(ov)
        for j = 1, #list do
          local o = list[j]
          local it, req = get(o, "InstanceType"), get(o, "InstanceRequirements")
          local at = where .. ".Overrides" .. (list == ov and ("[" .. j .. "]") or "")
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
      end
    end
    return ok
  end,
}
