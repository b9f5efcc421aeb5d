-- CT.RDS.PR.20: RDS DB instances must not listen on their engine's default port.
local rds = pp.lib("guard_rds")
local show, not_in = pp.lib("guard").show, rds.not_in

-- The engines whose default port is checked, and that port in number and string form.
local DEFAULTS = {
  mariadb = { 3306, "3306" }, mysql = { 3306, "3306" },
  postgres = { 5432, "5432" },
  ["sqlserver-ee"] = { 1433, "1433" }, ["sqlserver-se"] = { 1433, "1433" },
  ["sqlserver-ex"] = { 1433, "1433" }, ["sqlserver-web"] = { 1433, "1433" },
  ["oracle-ee"] = { 1521, "1521" }, ["oracle-se2"] = { 1521, "1521" },
  ["oracle-se1"] = { 1521, "1521" }, ["oracle-se"] = { 1521, "1521" },
}

return rds.rule({
  id = "ct-rds-pr-20", type = "AWS::RDS::DBInstance",
  judge = function(ctx, p)
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
})
