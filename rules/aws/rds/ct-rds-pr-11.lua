-- CT.RDS.PR.11: RDS DB instances must be deployed in a VPC, through a DB subnet group.
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local local_ref = g.check_local_references

local ENGINE_LIST = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
  "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

return {
  id       = "ct-rds-pr-11",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.DBSubnetGroupName
    if v == nil then
      return ctx.fail("DBSubnetGroupName is not set, so the instance is not placed in a VPC subnet group", p)
    end
    if not ((type(v) == "string" and not blank(v)) or local_ref(v, ctx, "AWS::RDS::DBSubnetGroup")) then
      return ctx.fail("DBSubnetGroupName is " .. show(v) ..
                      ", neither a subnet group name nor a reference to an AWS::RDS::DBSubnetGroup in this template",
                      p, "DBSubnetGroupName")
    end
  end,
}
