-- CT.RDS.PR.3: RDS DB clusters must have deletion protection.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-3", type = "AWS::RDS::DBCluster",
  props = { { key = "DeletionProtection", ok = g.is_true, bad = "; it must be the boolean true",
    missing = "DeletionProtection is not set, so the cluster can be deleted" } } })
