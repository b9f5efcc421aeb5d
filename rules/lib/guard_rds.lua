-- Shared by the Control Tower RDS rules (rules/aws/rds/ct-rds-pr-*.lua): Guard's `Engine IN [...]`
-- scope test, one per rule's engine list. Loads after rules/lib/guard.lua (name order).
--
--   engine_in(list)       a function(e): e is a string in list. Anything else (a list, an
--                         object, absent) is out of scope.
--   engine_in_list(list)  a function(e): e is a string in list, or a list whose every element
--                         (1..#e, a null fails) is a string in list (an empty list is in scope);
--                         anything else is out of scope.
--   event_subscription_rule(spec)  the rule of CT.RDS.PR.12, .17, .18, .19: an
--                         AWS::RDS::EventSubscription whose SourceType is spec.source (Guard's
--                         strict ==; a list when every element is) must be Enabled (the boolean
--                         true) and, when it filters EventCategories, include every one of
--                         spec.required. Returns { id = spec.id, types, check }; the metadata
--                         is in rules/catalog/control-tower.tsv.
local type, ipairs = type, ipairs
local is_list = pp.is_list

local function set_of(list)
  local s = {}
  for _, e in ipairs(list) do s[e] = true end
  return s
end

local function engine_in(list)
  local ENGINES = set_of(list)
  return function(e)
    return type(e) == "string" and ENGINES[e] == true
  end
end

local function engine_in_list(list)
  local ENGINES = set_of(list)
  return function(e)
    if type(e) == "string" then return ENGINES[e] == true end
    if not is_list(e) then return false end
    for i = 1, #e do
      if not (type(e[i]) == "string" and ENGINES[e[i]]) then return false end
    end
    return true
  end
end

local g = pp.lib("guard")
local show, is_true = g.show, g.is_true

local function has(list, s)
  for i = 1, #list do if list[i] == s then return true end end
  return false
end

local function event_subscription_rule(spec)
  local SOURCE, REQUIRED = spec.source, spec.required
  local function source_matches(v)
    if v == SOURCE then return true end
    if not is_list(v) then return false end
    for i = 1, #v do if v[i] ~= SOURCE then return false end end
    return true
  end
  return {
    id = spec.id,
    types = { "AWS::RDS::EventSubscription" },
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail("the event subscription has no Properties") end
      if not source_matches(p.SourceType) then
        return ctx.skip("SourceType is not \"" .. SOURCE .. "\"")
      end
      local ok = true
      local en = p.Enabled
      if en == nil then
        ok = ctx.fail("Enabled is not set; the subscription must be explicitly enabled", p)
      elseif not is_true(en) then
        ok = ctx.fail("Enabled is " .. show(en) .. "; it must be the boolean true", p, "Enabled")
      end
      local cats = p.EventCategories
      if cats ~= nil then
        if not is_list(cats) then
          ok = ctx.fail("EventCategories is " .. show(cats) .. ", not a list", p,
                        "EventCategories")
        elseif #cats > 0 then
          for i = 1, #REQUIRED do
            if not has(cats, REQUIRED[i]) then
              ok = ctx.fail("EventCategories leaves out \"" .. REQUIRED[i] .. "\"", p,
                            "EventCategories")
            end
          end
        end
      end
      return ok
    end,
  }
end

return { engine_in = engine_in, engine_in_list = engine_in_list,
         event_subscription_rule = event_subscription_rule }
