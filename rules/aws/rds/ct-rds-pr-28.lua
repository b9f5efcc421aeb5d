-- CT.RDS.PR.28: RDS DB parameter groups of engines that can require TLS must require it.
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

-- Families that cannot require secure transport.
local NO_TLS = {
  ["mysql5.5"] = true, ["mysql5.6"] = true,
  ["mariadb10.0"] = true, ["mariadb10.1"] = true, ["mariadb10.2"] = true, ["mariadb10.3"] = true,
  ["mariadb10.4"] = true,
}

local function param_problem(p, key, want)
  local params = p.Parameters
  if not pp.is_map(params) then
    return "Parameters does not set " .. key .. "; it must be " .. want
  end
  local v = params[key]
  if v == nil then return "Parameters does not set " .. key .. "; it must be " .. want end
  if not is_on(v) then return "Parameters." .. key .. " is " .. show(v) .. "; it must be " .. want end
  return nil
end

return {
  id       = "ct-rds-pr-28",
  types    = { "AWS::RDS::DBParameterGroup" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB parameter group has no Properties") end
    local fam = p.Family
    local msg
    if (family(fam, "mysql") or family(fam, "mariadb")) and not NO_TLS[fam] then
      msg = param_problem(p, "require_secure_transport", "1 (or ON)")
    elseif family(fam, "postgres") or family(fam, "sqlserver") then
      msg = param_problem(p, "rds.force_ssl", "1")
    else
      return ctx.skip("Family " .. show(fam) .. " is not in the scope of this control")
    end
    if msg then return ctx.fail(msg, p, p.Parameters ~= nil and "Parameters" or nil) end
  end,
}
