-- CT.AUTOSCALING.PR.8: Auto Scaling groups must launch from an EC2 launch template, given either as
-- LaunchTemplate or as MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification (not both).
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local is_list = pp.is_list

local is_struct = pp.is_map

local LT_TYPE = "AWS::EC2::LaunchTemplate"

-- A non-blank string, or a Ref / Fn::GetAtt of an AWS::EC2::LaunchTemplate in this template.
local function valid_value(v, ctx)
  if type(v) == "string" then return not blank(v) end
  if not is_struct(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_list(ga) and type(ga[1]) == "string" then
    local t = ctx.resource(ga[1])
    if t and t.type == LT_TYPE then return true end
  end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and t.type == LT_TYPE then return true end
  end
  return false
end

-- nil when the launch template specification is usable, else a message
local function spec_problem(spec, where, ctx)
  if not valid_value(spec.Version, ctx) then
    if spec.Version == nil then return where .. ".Version is not set" end
    return where .. ".Version is " .. show(spec.Version) ..
           ", not a version string or a reference to a launch template in this template"
  end
  local id, name = spec.LaunchTemplateId, spec.LaunchTemplateName
  if id ~= nil and name ~= nil then
    return where .. " sets both LaunchTemplateId and LaunchTemplateName"
  end
  local v, key = id, "LaunchTemplateId"
  if v == nil then v, key = name, "LaunchTemplateName" end
  if v == nil then return where .. " sets neither LaunchTemplateId nor LaunchTemplateName" end
  if not valid_value(v, ctx) then
    return where .. "." .. key .. " is " .. show(v) ..
           ", not a launch template id/name or a reference to a launch template in this template"
  end
  return nil
end

return g.rule({ id = "ct-autoscaling-pr-8", types = { "AWS::AutoScaling::AutoScalingGroup" }, noun = "Auto Scaling group",
  judge = function(ctx, p)
    local lt, mip = p.LaunchTemplate, p.MixedInstancesPolicy
    if lt ~= nil and mip ~= nil then
      return ctx.fail("the group sets both LaunchTemplate and MixedInstancesPolicy; use one", p, "LaunchTemplate")
    end
    if lt ~= nil then
      if not is_struct(lt) then
        return ctx.fail("LaunchTemplate is " .. show(lt) .. ", not an object", p, "LaunchTemplate")
      end
      local msg = spec_problem(lt, "LaunchTemplate", ctx)
      if msg then return ctx.fail(msg, lt) end
      return
    end
    if mip ~= nil then
      local mlt = is_struct(mip) and mip.LaunchTemplate or nil
      local spec = is_struct(mlt) and mlt.LaunchTemplateSpecification or nil
      if not is_struct(spec) then
        return ctx.fail("MixedInstancesPolicy has no LaunchTemplate.LaunchTemplateSpecification object", p,
                        "MixedInstancesPolicy")
      end
      local msg = spec_problem(spec, "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification", ctx)
      if msg then return ctx.fail(msg, spec) end
      return
    end
    return ctx.fail("the group uses no launch template (neither LaunchTemplate nor MixedInstancesPolicy is set)", p)
  end,
})
