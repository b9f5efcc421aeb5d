-- CT.RDS.PR.7: RDS DB instances (MariaDB, MySQL, PostgreSQL) must enable IAM database authentication.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-7", type = "AWS::RDS::DBInstance",
  engines = { "mariadb", "mysql", "postgres" },
  props = { { key = "EnableIAMDatabaseAuthentication", ok = g.is_true,
    bad = "; it must be the boolean true",
    missing = "EnableIAMDatabaseAuthentication is not set, so IAM database authentication is off" } } })
