-- CT.RDS.PR.21: RDS DB clusters must not keep a default administrator user name.
return pp.lib("guard_rds").master_user_rule({
  id = "ct-rds-pr-21", type = "AWS::RDS::DBCluster", users = { "admin", "postgres" },
})
