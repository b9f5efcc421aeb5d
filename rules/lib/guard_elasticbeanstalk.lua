-- Shared by the Control Tower Elastic Beanstalk rules (rules/aws/elasticbeanstalk/ct-*.lua): how
-- they find an option setting in OptionSettings and judge its Value. Loads after
-- rules/lib/guard.lua (name order) and uses its helpers.
--
--   on_value(v)        Guard `Value in ["true", true]`: a list when every entry (ipairs) is
--                      "true" or true (an empty list passes); otherwise v is "true" or true.
--   not_on_value(v)    Guard `Value not in ["true", true]`: a list when it is non-empty and no
--                      entry (ipairs) is "true" or true; otherwise v is neither.
--   matcher(ns, opt)   a function(e): e is an object (a view, not a list) whose Namespace and
--                      OptionName are present (Namespace read first) and eq_ipairs ns and opt.
--   settings_checker(ns, opt, good_value, bad_value, advice, wanted)
--                      a function(ctx, p, list) checking a non-empty OptionSettings list that
--                      must carry the setting: every matching entry with a Value is read in
--                      order; the first bad_value fails "OptionSettings[<i>] sets <ns> <opt> to
--                      <show(v)>: <advice>" at its Value and stops; good_value marks it found.
--                      Without one found, fails "OptionSettings has no <ns> <opt> setting with
--                      Value <wanted>" at p.OptionSettings.
local g = pp.lib("guard")
local is_list, show, all_eq = g.is_list, g.show, g.eq_ipairs
local ipairs = ipairs
local is_view = pp.is_view

local ON = { ["true"] = true, [true] = true }

local function on_value(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not ON[e] then return false end
    end
    return true
  end
  return ON[v] == true
end

local function not_on_value(v)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if ON[e] then return false end
    end
    return true
  end
  return not ON[v]
end

local function matcher(NS, OPT)
  return function(e)
    if not is_view(e) or is_list(e) then return false end
    local ns, opt = e.Namespace, e.OptionName
    return ns ~= nil and opt ~= nil and all_eq(ns, NS) and all_eq(opt, OPT)
  end
end

local function settings_checker(NS, OPT, good_value, bad_value, advice, wanted)
  local matches = matcher(NS, OPT)
  return function(ctx, p, list)
    local found = false
    for i, e in ipairs(list) do
      if matches(e) then
        local v = e.Value
        if v ~= nil then
          if bad_value(v) then
            ctx.fail("OptionSettings[" .. i .. "] sets " .. NS .. " " .. OPT .. " to " .. show(v)
                     .. ": " .. advice, e, "Value")
            return
          end
          if good_value(v) then found = true end
        end
      end
    end
    if not found then
      ctx.fail("OptionSettings has no " .. NS .. " " .. OPT .. " setting with Value " .. wanted, p,
               "OptionSettings")
    end
  end
end

-- The rule of CT.ELASTICBEANSTALK.PR.1, .2 and .3: spec.id, spec.ns, spec.opt (the setting),
-- spec.good / spec.bad (its values; default on_value / not_on_value), spec.advice and
-- spec.wanted (for messages), spec.what (what "is/are not configured" without the setting, with
-- its verb).
-- An environment needs a non-empty OptionSettings list with a good matching setting and no bad
-- one. A configuration template passes when OptionSettings is absent or an empty list, or is a
-- non-empty list without a matching setting; when it has one, it must meet the environment test.
local TEMPLATE = "AWS::ElasticBeanstalk::ConfigurationTemplate"
local function option_rule(spec)
  local matches = matcher(spec.ns, spec.opt)
  local check_settings = settings_checker(spec.ns, spec.opt, spec.good or on_value,
                                          spec.bad or not_on_value, spec.advice, spec.wanted)
  local unset = ": " .. spec.what .. " not configured"
  return {
    id = spec.id,
    types = { "AWS::ElasticBeanstalk::Environment", TEMPLATE },
    check = function(r, ctx)
      local p = r.properties
      local list = p.OptionSettings
      if r.type == TEMPLATE then
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
        return ctx.fail("OptionSettings is missing" .. unset, p)
      end
      if not is_list(list) or #list == 0 then
        return ctx.fail("OptionSettings is " .. show(list) .. unset, p, "OptionSettings")
      end
      return check_settings(ctx, p, list)
    end,
  }
end

return {
  on_value = on_value, not_on_value = not_on_value, matcher = matcher,
  settings_checker = settings_checker, option_rule = option_rule,
}
