-- CT.RDS.PR.24: RDS DB instances must encrypt their storage.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in({ "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" })

return {
  id       = "ct-rds-pr-24",
  severity = "medium",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.24", "rds_instance_storage_encrypted_check" },
  guard    = "rds_instance_storage_encrypted_check",
  frameworks = { "CIS AWS Benchmark 1.4:2.3.1", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
  title    = "RDS DB instances must encrypt their storage",
  fix      = "Set StorageEncrypted: true (a boolean) on the DB instance.",
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
