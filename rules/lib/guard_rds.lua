-- Shared by the Control Tower RDS rules (rules/aws/rds/ct-rds-pr-*.lua): Guard's `Engine IN [...]`
-- scope test, one per rule's engine list. Loads after rules/lib/guard.lua (name order).
--
--   engine_in(list)       a function(e): e is a string in list. Anything else (a list, an
--                         object, absent) is out of scope.
--   engine_in_list(list)  a function(e): e is a string in list, or a list whose every element
--                         (1..#e, a null fails) is a string in list (an empty list is in scope);
--                         anything else is out of scope.
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

return { engine_in = engine_in, engine_in_list = engine_in_list }
