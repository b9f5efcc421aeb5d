-- CT.RDS.PR.20: RDS DB instances must not listen on their engine's default port.
local g = pp.lib("guard")
local show = g.show
local in1 = g.in1
local is_list = pp.is_list

-- Guard `v not in set`: values of another type are "not in"; a list needs at least one element
-- and no element in the set
local function not_in(v, set)
  if v == nil then return false end
  if is_list(v) then
    if #v == 0 then return false end
    for i = 1, #v do if in1(v[i], set) then return false end end
    return true
  end
  return not in1(v, set)
end

-- The engines whose default port is checked, and that port in number and string form.
local DEFAULTS = {
  mariadb = { 3306, "3306" }, mysql = { 3306, "3306" },
  postgres = { 5432, "5432" },
  ["sqlserver-ee"] = { 1433, "1433" }, ["sqlserver-se"] = { 1433, "1433" },
  ["sqlserver-ex"] = { 1433, "1433" }, ["sqlserver-web"] = { 1433, "1433" },
  ["oracle-ee"] = { 1521, "1521" }, ["oracle-se2"] = { 1521, "1521" },
  ["oracle-se1"] = { 1521, "1521" }, ["oracle-se"] = { 1521, "1521" },
}

return {
  id       = "ct-rds-pr-20",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    local engine = p.Engine
    local default = type(engine) == "string" and DEFAULTS[engine] or nil
    if not default then
      return ctx.skip("Engine " .. show(engine) .. " is not in the scope of this control")
    end
    local port = p.Port
    if port == nil then
      return ctx.fail("Port is not set, so the " .. engine .. " default port " .. default[1] .. " is used", p)
    end
    if not not_in(port, default) then
      return ctx.fail("Port is " .. show(port) .. ", the default port of " .. engine .. "; choose another port",
                      p, "Port")
    end
  end,
}
