-- CT.RDS.PR.1: RDS DB instances of the listed engines must be Multi-AZ.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-1", type = "AWS::RDS::DBInstance", engines = rds.INSTANCE_ENGINES,
  props = { { key = "MultiAZ", ok = g.is_true, bad = "; it must be the boolean true",
    missing = "MultiAZ is not set, so the instance runs in a single Availability Zone" } } })
