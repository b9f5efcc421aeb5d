-- CT.RDS.PR.4: Aurora DB clusters must enable IAM database authentication.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-4", type = "AWS::RDS::DBCluster",
  engine_list = { "aurora", "aurora-mysql", "aurora-postgresql" },
  props = { { key = "EnableIAMDatabaseAuthentication", ok = g.is_true,
    bad = "; it must be the boolean true",
    missing = "EnableIAMDatabaseAuthentication is not set, so IAM database authentication is off" } } })
