-- CT.RDS.PR.14: RDS DB instances must export every log type of their engine to CloudWatch Logs.
-- (Like the Control Tower rule, the Oracle CDB engines are in scope but only need a non-empty list.)
local rds = pp.lib("guard_rds")
return rds.log_exports_rule({
  id = "ct-rds-pr-14", type = "AWS::RDS::DBInstance", noun = "DB instance",
  scope = rds.INSTANCE_ENGINES,
  groups = {
    { engines = { "mariadb", "mysql" }, logs = { "audit", "error", "general", "slowquery" } },
    { engines = { "postgres" }, logs = { "postgresql", "upgrade" } },
    { engines = { "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" }, logs = { "agent", "error" } },
    { engines = { "oracle-ee", "oracle-se2", "oracle-se1", "oracle-se" },
      logs = { "alert", "audit", "listener", "oemagent", "trace" } },
  },
})
