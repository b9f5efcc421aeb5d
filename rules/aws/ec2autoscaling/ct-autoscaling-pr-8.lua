-- CT.AUTOSCALING.PR.8: Auto Scaling groups must launch from an EC2 launch template, given either as
-- LaunchTemplate or as MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification (not both).
local is_list = pp.is_list

local is_struct = pp.is_map

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

-- Is s empty or only whitespace? (Guard's /\A\s*\z/, whose \s is Unicode White_Space.)
local UNICODE_SPACE = {
  ["\194\133"] = true, ["\194\160"] = true, ["\225\154\128"] = true, ["\226\128\168"] = true,
  ["\226\128\169"] = true, ["\226\128\175"] = true, ["\226\129\159"] = true, ["\227\128\128"] = true,
}
local function blank(s)
  if s:find("^%s*$") then return true end
  if not s:find("[\128-\255]") then return false end
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    if c == 32 or (c >= 9 and c <= 13) then
      i = i + 1
    elseif UNICODE_SPACE[s:sub(i, i + 1)] then
      i = i + 2
    elseif UNICODE_SPACE[s:sub(i, i + 2)] then
      i = i + 3
    elseif c == 226 and s:byte(i + 1) == 128 and (s:byte(i + 2) or 0) >= 128 and s:byte(i + 2) <= 138 then
      i = i + 3 -- U+2000 .. U+200A
    else
      return false
    end
  end
  return true
end

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

return {
  id       = "ct-autoscaling-pr-8",
  severity = "medium",
  types    = { "AWS::AutoScaling::AutoScalingGroup" },
  packs    = { "control-tower" },
  controls = { "CT.AUTOSCALING.PR.8", "autoscaling_launch_template_check" },
  guard    = "autoscaling_launch_template_check",
  frameworks = { "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CM-2(2)",
    "PCI DSS version 3.2.1:2.2" },
  docs     = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/auto-scaling-groups.html",
  title    = "Auto Scaling groups must use an EC2 launch template",
  fix      = "Give the group a LaunchTemplate (or MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification) with a Version and exactly one of LaunchTemplateId or LaunchTemplateName.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the Auto Scaling group has no Properties") end
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
}
