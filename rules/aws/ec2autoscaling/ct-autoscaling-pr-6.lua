-- CT.AUTOSCALING.PR.6: Auto Scaling groups must run several explicit instance types through a
-- mixed instances policy (at least two InstanceType overrides, the first two different), and no
-- override may set both InstanceType and InstanceRequirements.
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local get = g.get
local is_list = pp.is_list

local is_struct = pp.is_map

-- Guard leaves the group out of the explicit-types check when it overrides with
-- InstanceRequirements; this mirrors its filter.
local function uses_requirements(p)
  local mip = p.MixedInstancesPolicy
  if mip == nil then return false end
  if not is_struct(mip) then return true end
  local lt = mip.LaunchTemplate
  if lt == nil then return false end
  if not is_struct(lt) then return true end
  local ov = lt.Overrides
  if ov == nil then return false end
  if not is_list(ov) then return true end
  for i = 1, #ov do
    if get(ov[i], "InstanceRequirements") ~= nil then return true end
  end
  return false
end

-- ... and leaves it out of the one-of check unless some override sets both properties.
local function has_conflict(p)
  local mip = p.MixedInstancesPolicy
  if mip == nil then return true end
  if not is_struct(mip) then return false end
  local lt = mip.LaunchTemplate
  if lt == nil then return true end
  if not is_struct(lt) then return false end
  local ov = lt.Overrides
  if ov == nil then return true end
  if not is_list(ov) then return false end
  if #ov == 0 then return true end
  for i = 1, #ov do
    if get(ov[i], "InstanceRequirements") ~= nil and get(ov[i], "InstanceType") ~= nil then return true end
  end
  return false
end

-- nil when the group overrides at least two explicit, different instance types, else a message
local function explicit_types(p)
  local mip = p.MixedInstancesPolicy
  if not is_struct(mip) then return "MixedInstancesPolicy is not set" end
  local lt = mip.LaunchTemplate
  if not is_struct(lt) then return "MixedInstancesPolicy.LaunchTemplate is not set" end
  if not is_struct(lt.LaunchTemplateSpecification) then
    return "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification is not set"
  end
  local ov = lt.Overrides
  if not is_list(ov) or #ov < 2 then
    return "MixedInstancesPolicy.LaunchTemplate.Overrides does not list at least two instance types"
  end
  for i = 1, #ov do
    local it = get(ov[i], "InstanceType")
    if type(it) ~= "string" or blank(it) then
      return "MixedInstancesPolicy.LaunchTemplate.Overrides[" .. i .. "] does not name an InstanceType"
    end
  end
  local a, b = ov[1].InstanceType, ov[2].InstanceType
  if a == b then
    return "the first two Overrides use the same InstanceType " .. show(a)
  end
  return nil
end

-- nil when every override sets exactly one of InstanceType and InstanceRequirements
local function one_of(p)
  local mip = p.MixedInstancesPolicy
  local lt = is_struct(mip) and mip.LaunchTemplate or nil
  local ov = get(lt, "Overrides")
  if ov == nil then return "MixedInstancesPolicy.LaunchTemplate.Overrides is not set" end
  local list = ov
  if not is_list(ov) then return nil end
  if #list == 0 then return "MixedInstancesPolicy.LaunchTemplate.Overrides is empty" end
  for i = 1, #list do
    local it, req = get(list[i], "InstanceType"), get(list[i], "InstanceRequirements")
    if (it == nil) == (req == nil) then
      return "MixedInstancesPolicy.LaunchTemplate.Overrides[" .. i ..
             "] must set exactly one of InstanceType and InstanceRequirements"
    end
  end
  return nil
end

return g.rule({ id = "ct-autoscaling-pr-6", types = { "AWS::AutoScaling::AutoScalingGroup" }, noun = "Auto Scaling group",
  judge = function(ctx, p)
    local ok = true
    if not uses_requirements(p) then
      local msg = explicit_types(p)
      if msg then ok = ctx.fail(msg, p) end
    end
    if has_conflict(p) then
      local msg = one_of(p)
      if msg then ok = ctx.fail(msg, p) end
    end
    return ok
  end,
})
