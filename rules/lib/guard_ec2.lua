-- Shared by the Control Tower EC2 instance-type rules (rules/aws/ec2/ct-ec2-pr-15..20) and the
-- Auto Scaling ones (rules/aws/ec2autoscaling/ct-autoscaling-pr-10, -11). Loads after
-- rules/lib/guard.lua (name order) and uses its helpers.
--
--   instance_types(families, exact)  returns accepted1, accepted for the rule's own lists:
--     accepted1(s)   s is a string that is one of exact, or "<family>.<rest>" with family in
--                    families, rest non-empty and no newline after the dot (Guard's regexes).
--     accepted(v)    Guard `v in [regexes]`: a list when every element (1..#v, a null fails)
--                    is accepted1; otherwise accepted1(v).
--   has_overrides(configs)  some configs[i].Overrides (get: views only) is a list with an entry
--                    whose InstanceType or InstanceRequirements (InstanceType read first) is
--                    present.
--   entries(ov)      the entries Guard's filter looks at: ov itself when it is a list, else a
--                    one-element list {ov} (a single table reused on every call).
local g = pp.lib("guard")
local get = g.get
local type, ipairs = type, ipairs
local is_list = pp.is_list

local function instance_types(families, exact)
  local FAMILY, EXACT = {}, {}
  for _, f in ipairs(families) do FAMILY[f] = true end
  for _, n in ipairs(exact) do EXACT[n] = true end

  local function accepted1(s)
    if type(s) ~= "string" then return false end
    if EXACT[s] then return true end
    local dot = s:find(".", 1, true)
    if not dot or dot == #s then return false end
    if s:find("\n", dot, true) then return false end
    return FAMILY[s:sub(1, dot - 1)] == true
  end

  local function accepted(v)
    if is_list(v) then
      for i = 1, #v do if not accepted1(v[i]) then return false end end
      return true
    end
    return accepted1(v)
  end

  return accepted1, accepted
end

local function has_overrides(configs)
  for i = 1, #configs do
    local ov = get(configs[i], "Overrides")
    if is_list(ov) then
      for j = 1, #ov do
        if get(ov[j], "InstanceType") ~= nil or get(ov[j], "InstanceRequirements") ~= nil then
          return true
        end
      end
    end
  end
  return false
end

local ONE = { false }
local function entries(ov)
  if is_list(ov) then return ov end
  ONE[1] = ov
  return ONE
end

return { instance_types = instance_types, has_overrides = has_overrides, entries = entries }
