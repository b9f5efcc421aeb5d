-- CT.RDS.PR.5: RDS DB instances must not turn off automatic minor version upgrades.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in({ "aurora", "aurora-mysql", "aurora-postgresql", "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" })

return {
  id       = "ct-rds-pr-5",
  severity = "high",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.5", "rds_instance_automatic_minor_version_upgrade_enabled_check" },
  guard    = "rds_instance_automatic_minor_version_upgrade_enabled_check",
  frameworks = { "NIST 800-53 Rev 5:SI-2", "NIST 800-53 Rev 5:SI-2(2)", "NIST 800-53 Rev 5:SI-2(4)",
    "NIST 800-53 Rev 5:SI-2(5)", "PCI DSS version 3.2.1:6.2" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html",
  title    = "RDS DB instances must keep automatic minor version upgrades on",
  fix      = "Set AutoMinorVersionUpgrade to true, or leave it out (the default is true).",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.AutoMinorVersionUpgrade
    if v ~= nil and not is_true(v) then
      return ctx.fail("AutoMinorVersionUpgrade is " .. show(v) .. "; it must be the boolean true or left out", p, "AutoMinorVersionUpgrade")
    end
  end,
}
