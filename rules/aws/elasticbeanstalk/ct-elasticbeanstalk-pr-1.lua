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

local NS, OPT = "aws:elasticbeanstalk:healthreporting:system", "SystemType"
local eb = pp.lib("guard_elasticbeanstalk")

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

local matches = eb.matcher(NS, OPT)
local check_settings = eb.settings_checker(NS, OPT, good_value, bad_value, "use enhanced", "enhanced")

return {
  id         = "ct-elasticbeanstalk-pr-1",
  types      = {
    "AWS::ElasticBeanstalk::Environment",
    "AWS::ElasticBeanstalk::ConfigurationTemplate"
  },
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
