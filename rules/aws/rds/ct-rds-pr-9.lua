-- CT.RDS.PR.9: Aurora DB clusters must copy tags to snapshots.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-9", type = "AWS::RDS::DBCluster",
  engine_list = { "aurora", "aurora-mysql", "aurora-postgresql" },
  props = { { key = "CopyTagsToSnapshot", ok = g.is_true,
    bad = "; it must be the boolean true",
    missing = "CopyTagsToSnapshot is not set, so snapshots lose the cluster's tags" } } })
