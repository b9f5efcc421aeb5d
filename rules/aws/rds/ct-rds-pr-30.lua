-- CT.RDS.PR.30: RDS DB instances must encrypt storage with a KMS key that the template names.
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local local_ref = g.check_local_references

local ENGINE_LIST = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
  "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

return {
  id       = "ct-rds-pr-30",
  severity = "medium",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.30", "rds_storage_encrypted_kms_key_check" },
  guard    = "rds_storage_encrypted_kms_key_check",
  frameworks = { "CIS AWS Benchmark 1.4:2.3.1", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
  title    = "RDS DB instances must encrypt storage with a customer-chosen KMS key",
  fix      = "Set KmsKeyId to a KMS key id, alias or ARN, or to a Ref/GetAtt of an AWS::KMS::Key or AWS::KMS::Alias in the template.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.KmsKeyId
    if v == nil then
      return ctx.fail("KmsKeyId is not set, so the storage is not encrypted with a key you choose", p)
    end
    if not ((type(v) == "string" and not blank(v)) or local_ref(v, ctx, "AWS::KMS::Key", "AWS::KMS::Alias")) then
      return ctx.fail("KmsKeyId is " .. show(v) ..
                      ", neither a key id/alias/ARN nor a reference to a KMS key or alias in this template",
                      p, "KmsKeyId")
    end
  end,
}
