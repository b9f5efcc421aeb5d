-- CT.REDSHIFT.PR.9: a Redshift cluster parameter group requires SSL for client connections.
-- Guard semantics kept: Parameters must be a non-empty list; at least one object entry must
-- have ParameterName "require_ssl" and a true ParameterValue, and every object entry named
-- "require_ssl" must have a true ParameterValue. True is the boolean true or one of the
-- strings true, True, TRUE, on, On, ON. As in Guard, a list counts as a name or a value when
-- every entry does (so an empty list does), and entries that are not objects are ignored.
-- Names or values Parapet cannot resolve make the verdict UNKNOWN when they could decide it.
local type, tostring, ipairs = type, tostring, ipairs
local is_list, is_map, is_unknown = pp.is_list, pp.is_map, pp.is_unknown
local g = pp.lib("guard")
local show = g.show_shape

local NAME = "require_ssl"
local TRUE_STRINGS = { ["true"] = true, True = true, TRUE = true, on = true, On = true, ON = true }

-- Applies test to v, or to every entry of a list v (Guard's comparison of a list with a
-- scalar). Returns true, false or "unknown".
local function every(v, test)
  if is_unknown(v) then return "unknown" end
  if not is_list(v) then return test(v) end
  local res = true
  for _, e in ipairs(v) do
    if is_unknown(e) then
      res = "unknown"
    elseif not test(e) then
      return false
    end
  end
  return res
end

local function is_name(x) return x == NAME end
local function is_on(x) return x == true or (type(x) == "string" and TRUE_STRINGS[x] == true) end

return g.rule({ id = "ct-redshift-pr-9", types = { "AWS::Redshift::ClusterParameterGroup" },
  judge = function(ctx, p)
    local list = p.Parameters
    if list == nil then
      return ctx.fail("Parameters is not set, so require_ssl keeps its default (false)", p)
    end
    if is_unknown(list) then
      return ctx.unknown("Parameters depends on a value Parapet cannot resolve", p, "Parameters")
    end
    if not is_list(list) or #list == 0 then
      return ctx.fail("Parameters is " .. show(list) .. ", not a non-empty list of parameters", p,
                      "Parameters")
    end
    -- on: an entry is certainly require_ssl = true; could_be_on: one might be; off_maybe: an
    -- entry might be require_ssl with a value that is not true.
    local on, could_be_on, off_maybe = false, false, false
    for i, e in ipairs(list) do
      if is_unknown(e) then
        could_be_on, off_maybe = true, true
      elseif is_map(e) and e.ParameterName ~= nil then
        local named = every(e.ParameterName, is_name)
        local value = e.ParameterValue
        local good = false
        if value ~= nil then good = every(value, is_on) end
        if named == true and good == false then
          return ctx.fail("Parameters[" .. (i - 1) .. "] sets require_ssl to "
                          .. (value == nil and "nothing" or show(value))
                          .. ", so connections without SSL are accepted", list, i)
        end
        if named == true and good == true then
          on = true
        elseif named ~= false then
          if good ~= false then could_be_on = true end
          if good ~= true then off_maybe = true end
        end
      end
    end
    if on and not off_maybe then return end
    if on or could_be_on then
      return ctx.unknown("whether Parameters requires SSL depends on a value Parapet cannot "
                         .. "resolve", p, "Parameters")
    end
    return ctx.fail("Parameters has no require_ssl entry set to true, so connections without "
                    .. "SSL are accepted", p, "Parameters")
  end,
})
