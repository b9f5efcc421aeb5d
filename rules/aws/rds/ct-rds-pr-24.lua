-- CT.RDS.PR.24: RDS DB instances must encrypt their storage.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-24", type = "AWS::RDS::DBInstance", engines = rds.INSTANCE_ENGINES,
  props = { { key = "StorageEncrypted", ok = g.is_true, bad = "; it must be the boolean true",
    missing = "StorageEncrypted is not set, so the storage is not encrypted" } } })
