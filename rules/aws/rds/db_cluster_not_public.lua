-- PubliclyAccessible on a DB cluster applies to Multi-AZ DB clusters (Aurora sets it on each
-- DB instance, judged by rds-instance-not-public). Only an explicit true fails here.
return pp.lib("exposure").flag_rule({ id = "rds-cluster-not-public", types = { "AWS::RDS::DBCluster" }, related = { "CT.RDS.PR.29" },
  key = "PubliclyAccessible", exposed = "the cluster's endpoints resolve to public addresses" })
