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
  severity = "high",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.11", "rds_instance_deployed_in_vpc_check" },
  guard    = "rds_instance_deployed_in_vpc_check",
  frameworks = { "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:SC-7",
    "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)",
    "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1",
    "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
    "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.html",
  title    = "RDS DB instances must be placed in a VPC with a DB subnet group",
  fix      = "Set DBSubnetGroupName to the name of a DB subnet group, or to a Ref of an AWS::RDS::DBSubnetGroup in the template.",
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
