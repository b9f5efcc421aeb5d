-- CT.RDS.PR.10: RDS DB instances must copy tags to snapshots.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-10", type = "AWS::RDS::DBInstance", engines = rds.INSTANCE_ENGINES,
  props = { { key = "CopyTagsToSnapshot", ok = g.is_true, bad = "; it must be the boolean true",
    missing = "CopyTagsToSnapshot is not set, so snapshots lose the instance's tags" } } })
