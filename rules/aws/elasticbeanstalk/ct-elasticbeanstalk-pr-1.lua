-- CT.ELASTICBEANSTALK.PR.1: Elastic Beanstalk environments use enhanced health reporting.
-- Guard semantics kept: an option setting "matches" when it is an object whose Namespace is
-- "aws:elasticbeanstalk:healthreporting:system" and whose OptionName is "SystemType" (lists compare entry by entry, so empty lists match).
-- An environment needs a non-empty OptionSettings list with a matching setting whose Value is
-- "enhanced", and no matching setting with any other string Value. A configuration template
-- passes when OptionSettings is absent or an empty list, or is a non-empty list without a
-- matching setting; when it has one, it must meet the environment test.
local g = pp.lib("guard")
local is_list, all_eq = g.is_list, g.eq_ipairs
local type, ipairs = type, ipairs

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

return pp.lib("guard_elasticbeanstalk").option_rule({
  id = "ct-elasticbeanstalk-pr-1", ns = "aws:elasticbeanstalk:healthreporting:system", opt = "SystemType",
  good = good_value, bad = bad_value, advice = "use enhanced", wanted = "enhanced",
  what = "enhanced health reporting is",
})
