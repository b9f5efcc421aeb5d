-- PubliclyAccessible on a DB cluster applies to Multi-AZ DB clusters (Aurora sets it on each
-- DB instance, judged by rds-instance-not-public). Only an explicit true fails here.
local exposure = pp.lib("exposure")
local must_not_be_true, describe_empty = exposure.must_not_be_true, exposure.describe_empty
local CONSEQUENCE = "the cluster's endpoints resolve to public addresses"
local OPTS = { describe = describe_empty }
local KEYS = { "PubliclyAccessible" }

return {
  id       = "rds-cluster-not-public",
  title    = "RDS DB clusters are not publicly accessible",
  severity = "high",
  types    = { "AWS::RDS::DBCluster" },
  packs    = { "network" },
  related  = { "CT.RDS.PR.29" },
  fix      = "Set PubliclyAccessible to false on the DB cluster and place it in a DBSubnetGroupName of "
          .. "private subnets.",
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/multi-az-db-clusters-concepts.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, CONSEQUENCE, OPTS)
  end,
}
