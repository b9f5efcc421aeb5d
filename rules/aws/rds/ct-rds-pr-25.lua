-- CT.RDS.PR.25: RDS DB clusters must export every log type of their engine to CloudWatch Logs.
return pp.lib("guard_rds").log_exports_rule({
  id = "ct-rds-pr-25", type = "AWS::RDS::DBCluster", noun = "DB cluster",
  scope = { "aurora", "aurora-mysql", "aurora-postgresql", "mysql", "postgres" },
  groups = {
    { engines = { "aurora", "aurora-mysql", "mysql" }, logs = { "audit", "error", "general", "slowquery" } },
    { engines = { "aurora-postgresql" }, logs = { "postgresql" } },
    { engines = { "postgres" }, logs = { "postgresql", "upgrade" } },
  },
})
