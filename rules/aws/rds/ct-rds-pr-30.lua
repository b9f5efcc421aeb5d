-- CT.RDS.PR.30: RDS DB instances must encrypt storage with a KMS key that the template names.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
local ENGINES = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres",
                  "sqlserver-ee", "sqlserver-se", "sqlserver-web" }
return rds.rule({ id = "ct-rds-pr-30", type = "AWS::RDS::DBInstance", engines = ENGINES, props = { {
  key = "KmsKeyId", ok = g.named_or_local("AWS::KMS::Key", "AWS::KMS::Alias"),
  bad = ", neither a key id/alias/ARN nor a reference to a KMS key or alias in this template",
  missing = "KmsKeyId is not set, so the storage is not encrypted with a key you choose" } } })
