-- CT.RDS.PR.27: RDS DB cluster parameter groups of MySQL and PostgreSQL families must require TLS.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local mtype = math.type

-- The values the control accepts as "on".
local TRUE_VALUES = { true, 1, "1", "true", "True", "TRUE", "on", "On", "ON" }

local function true1(x)
  for i = 1, #TRUE_VALUES do
    local t = TRUE_VALUES[i]
    if x == t and (type(x) ~= "number" or mtype(x) == mtype(t)) then return true end
  end
  return false
end

-- Guard `v in TRUE_VALUES`: a list passes when every element is one of them
local function is_on(v)
  if is_list(v) then
    for i = 1, #v do if not true1(v[i]) then return false end end
    return true
  end
  return true1(v)
end

-- Guard `Family in /^prefix/`: only a string matches
local function family(v, prefix)
  return type(v) == "string" and v:sub(1, #prefix) == prefix
end

-- nil when Parameters[key] passes `accept`, else a message
local function param_problem(p, key, accept, want)
  local params = p.Parameters
  if not pp.is_map(params) then
    return "Parameters does not set " .. key .. "; it must be " .. want
  end
  local v = params[key]
  if v == nil then return "Parameters does not set " .. key .. "; it must be " .. want end
  if not accept(v) then return "Parameters." .. key .. " is " .. show(v) .. "; it must be " .. want end
  return nil
end

local function on_string(v)
  return type(v) == "string" and v:lower() == "on"
end

return {
  id       = "ct-rds-pr-27",
  types    = { "AWS::RDS::DBClusterParameterGroup" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB cluster parameter group has no Properties") end
    local fam = p.Family
    local msg
    if family(fam, "aurora-mysql") then
      msg = param_problem(p, "require_secure_transport", on_string, "ON")
    elseif family(fam, "mysql") then
      msg = param_problem(p, "require_secure_transport", is_on, "ON or 1")
    elseif family(fam, "aurora-postgresql") or family(fam, "postgres") then
      msg = param_problem(p, "rds.force_ssl", is_on, "1")
    else
      return ctx.skip("Family " .. show(fam) .. " is not in the scope of this control")
    end
    if msg then return ctx.fail(msg, p, p.Parameters ~= nil and "Parameters" or nil) end
  end,
}
