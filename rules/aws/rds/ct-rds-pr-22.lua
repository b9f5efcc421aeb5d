-- CT.RDS.PR.22: RDS DB instances must not keep a default administrator user name.
local rds = pp.lib("guard_rds")
return rds.master_user_rule({
  id = "ct-rds-pr-22", type = "AWS::RDS::DBInstance", users = { "postgres", "admin" },
  engines = rds.INSTANCE_ENGINES,
})
