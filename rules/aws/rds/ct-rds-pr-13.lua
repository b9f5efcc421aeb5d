-- CT.RDS.PR.13: RDS DB instances must have deletion protection.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in({ "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" })

return {
  id       = "ct-rds-pr-13",
  severity = "low",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.13", "rds_instance_deletion_protection_enabled_check" },
  guard    = "rds_instance_deletion_protection_enabled_check",
  frameworks = { "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CM-2(2)",
    "NIST 800-53 Rev 5:CM-3", "NIST 800-53 Rev 5:SC-5(2)", "PCI DSS version 3.2.1:2.2" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html",
  title    = "RDS DB instances must enable deletion protection",
  fix      = "Set DeletionProtection: true (a boolean) on the DB instance.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.DeletionProtection
    if v == nil then
      return ctx.fail("DeletionProtection is not set, so the instance can be deleted", p)
    end
    if not is_true(v) then
      return ctx.fail("DeletionProtection is " .. show(v) .. "; it must be the boolean true", p, "DeletionProtection")
    end
  end,
}
