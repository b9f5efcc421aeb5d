-- CT.ELASTICBEANSTALK.PR.2: Elastic Beanstalk environments have managed platform updates enabled.
-- Guard semantics kept: an option setting "matches" when it is an object whose Namespace is
-- "aws:elasticbeanstalk:managedactions" and whose OptionName is "ManagedActionsEnabled" (lists compare entry by entry, so empty lists match).
-- An environment needs a non-empty OptionSettings list with a matching setting whose Value is
-- true or "true", and no matching setting with any other Value. A configuration template
-- passes when OptionSettings is absent or an empty list, or is a non-empty list without a
-- matching setting; when it has one, it must meet the environment test.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local type, ipairs = type, ipairs
local is_view = pp.is_view

local NS, OPT = "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled"

local ON = { ["true"] = true, [true] = true }

-- Guard `Value in ["true", true]` (a list: every entry in the set, so an empty list passes).
local function good_value(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not ON[e] then return false end
    end
    return true
  end
  return ON[v] == true
end

-- Guard `Value not in ["true", true]` (a list: non-empty and no entry in the set).
local function bad_value(v)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if ON[e] then return false end
    end
    return true
  end
  return not ON[v]
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
                   .. ": set it to true", e, "Value")
          return
        end
        if good_value(v) then found = true end
      end
    end
  end
  if not found then
    ctx.fail("OptionSettings has no " .. NS .. " " .. OPT .. " setting with Value true", p,
             "OptionSettings")
  end
end

return {
  title      = "Elastic Beanstalk environments have managed platform updates enabled",
  id         = "ct-elasticbeanstalk-pr-2",
  severity   = "high",
  types      = {
    "AWS::ElasticBeanstalk::Environment",
    "AWS::ElasticBeanstalk::ConfigurationTemplate"
  },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICBEANSTALK.PR.2", "elastic_beanstalk_managed_updates_enabled_check" },
  guard      = "elastic_beanstalk_managed_updates_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:SI-2", "NIST 800-53 Rev 5:SI-2(2)",
    "NIST 800-53 Rev 5:SI-2(4)", "NIST 800-53 Rev 5:SI-2(5)",
    "PCI DSS version 3.2.1:6.2"
  },
  docs       = "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/environment-platform-update-managed.html",
  fix        = "Add the option setting Namespace aws:elasticbeanstalk:managedactions, OptionName ManagedActionsEnabled, Value true (and a PreferredStartTime).",
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
      return ctx.fail("OptionSettings is missing: managed platform updates are not configured", p)
    end
    if not is_list(list) or #list == 0 then
      return ctx.fail("OptionSettings is " .. show(list) .. ": managed platform updates are not configured", p, "OptionSettings")
    end
    return check_settings(ctx, p, list)
  end,
}
