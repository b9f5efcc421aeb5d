-- CT.RDS.PR.7: RDS DB instances (MariaDB, MySQL, PostgreSQL) must enable IAM database authentication.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in({ "mariadb", "mysql", "postgres" })

return {
  id       = "ct-rds-pr-7",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.EnableIAMDatabaseAuthentication
    if v == nil then
      return ctx.fail("EnableIAMDatabaseAuthentication is not set, so IAM database authentication is off", p)
    end
    if not is_true(v) then
      return ctx.fail("EnableIAMDatabaseAuthentication is " .. show(v) .. "; it must be the boolean true", p, "EnableIAMDatabaseAuthentication")
    end
  end,
}
