-- CT.RDS.PR.13: RDS DB instances must have deletion protection.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-13", type = "AWS::RDS::DBInstance", engines = rds.INSTANCE_ENGINES,
  props = { { key = "DeletionProtection", ok = g.is_true, bad = "; it must be the boolean true",
    missing = "DeletionProtection is not set, so the instance can be deleted" } } })
