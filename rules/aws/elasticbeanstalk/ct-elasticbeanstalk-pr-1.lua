-- CT.ELASTICBEANSTALK.PR.1: Elastic Beanstalk environments use enhanced health reporting.
-- Guard semantics kept: an option setting "matches" when it is an object whose Namespace is
-- "aws:elasticbeanstalk:healthreporting:system" and whose OptionName is "SystemType" (lists compare entry by entry, so empty lists match).
-- An environment needs a non-empty OptionSettings list with a matching setting whose Value is
-- "enhanced", and no matching setting with any other string Value. A configuration template
-- passes when OptionSettings is absent or an empty list, or is a non-empty list without a
-- matching setting; when it has one, it must meet the environment test.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local type, ipairs = type, ipairs
local is_view = pp.is_view

local NS, OPT = "aws:elasticbeanstalk:healthreporting:system", "SystemType"

local function good_value(v) return all_eq(v, "enhanced") end

-- Guard `Value != "enhanced"`: strings other than "enhanced" (a list: every entry such a string).
local function bad_value(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if type(e) ~= "string" or e == "enhanced" then return false end
    end
    return true
  end
  return type(v) == "string" and v ~= "enhanced"
end

local function matches(e)
  if not is_view(e) or is_list(e) then return false end
  local ns, opt = e.Namespace, e.OptionName
  return ns ~= nil and opt ~= nil and all_eq(ns, NS) and all_eq(opt, OPT)
end

-- Checks a non-empty OptionSettings list that must carry the setting.
local function check_settings(ctx, p, list)
  local found = false
  for i, e in ipairs(list) do
    if matches(e) then
      local v = e.Value
      if v ~= nil then
        if bad_value(v) then
          ctx.fail("OptionSettings[" .. i .. "] sets " .. NS .. " " .. OPT .. " to " .. show(v)
                   .. ": use enhanced", e, "Value")
          return
        end
        if good_value(v) then found = true end
      end
    end
  end
  if not found then
    ctx.fail("OptionSettings has no " .. NS .. " " .. OPT .. " setting with Value enhanced", p,
             "OptionSettings")
  end
end

return {
  title      = "Elastic Beanstalk environments use enhanced health reporting",
  id         = "ct-elasticbeanstalk-pr-1",
  severity   = "low",
  types      = {
    "AWS::ElasticBeanstalk::Environment",
    "AWS::ElasticBeanstalk::ConfigurationTemplate"
  },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICBEANSTALK.PR.1", "elastic_beanstalk_enhanced_health_reporting_enabled_check" },
  guard      = "elastic_beanstalk_enhanced_health_reporting_enabled_check",
  frameworks = { "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SI-2" },
  docs       = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/health-enhanced-enable.html#health-enhanced-enable-console",
  fix        = "Add the option setting Namespace aws:elasticbeanstalk:healthreporting:system, OptionName SystemType, Value enhanced.",
  check = function(r, ctx)
    local p = r.properties
    local list = p.OptionSettings
    if r.type == "AWS::ElasticBeanstalk::ConfigurationTemplate" then
      if list == nil then return end
      if is_list(list) then
        if #list == 0 then return end
        for _, e in ipairs(list) do
          if matches(e) then return check_settings(ctx, p, list) end
        end
        return
      end
      return ctx.fail("OptionSettings is " .. show(list) .. ", not a list", p, "OptionSettings")
    end
    if list == nil then
      return ctx.fail("OptionSettings is missing: enhanced health reporting is not configured", p)
    end
    if not is_list(list) or #list == 0 then
      return ctx.fail("OptionSettings is " .. show(list) .. ": enhanced health reporting is not configured", p, "OptionSettings")
    end
    return check_settings(ctx, p, list)
  end,
}
