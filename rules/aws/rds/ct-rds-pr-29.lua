-- CT.RDS.PR.29: Multi-AZ RDS DB clusters (MySQL, PostgreSQL) must not be publicly accessible.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-29", type = "AWS::RDS::DBCluster",
  engine_list = { "mysql", "postgres" },
  props = { { key = "PubliclyAccessible", ok = g.is_false,
    bad = "; it must be the boolean false",
    missing = "PubliclyAccessible is not set; it must be explicitly false" } } })
