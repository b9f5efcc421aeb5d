-- CT.RDS.PR.24: RDS DB instances must encrypt their storage.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in({ "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" })

return {
  id       = "ct-rds-pr-24",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.StorageEncrypted
    if v == nil then
      return ctx.fail("StorageEncrypted is not set, so the storage is not encrypted", p)
    end
    if not is_true(v) then
      return ctx.fail("StorageEncrypted is " .. show(v) .. "; it must be the boolean true", p, "StorageEncrypted")
    end
  end,
}
