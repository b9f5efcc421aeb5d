-- CT.RDS.PR.23: an RDS DB instance must not be publicly accessible.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-23", type = "AWS::RDS::DBInstance", noun = false,
  props = { { key = "PubliclyAccessible", ok = g.is_false, bad = "; it must be the boolean false",
    missing = "PubliclyAccessible is not set; it must be explicitly false" } } })
