-- CT.RDS.PR.8: RDS DB instances must keep automated backups for at least seven days.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-8", type = "AWS::RDS::DBInstance", engines = rds.INSTANCE_ENGINES,
  props = { { key = "BackupRetentionPeriod", ok = function(v) return g.int_ge(v, 7) end,
    bad = "; it must be a number of days of at least 7",
    missing = "BackupRetentionPeriod is not set (the default keeps backups for 1 day); set it to 7 or more" } } })
