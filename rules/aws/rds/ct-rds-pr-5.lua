-- CT.RDS.PR.5: RDS DB instances must not turn off automatic minor version upgrades.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-5", type = "AWS::RDS::DBInstance", engines = rds.ALL_ENGINES,
  props = { { key = "AutoMinorVersionUpgrade", ok = g.is_true,
    bad = "; it must be the boolean true or left out" } } })
