-- New Redshift clusters are private unless PubliclyAccessible is true (AWS made private the
-- default in its Redshift "secure by default" change of early 2025), so only an explicit true
-- fails.
local exposure = pp.lib("exposure")
local must_not_be_true, describe_empty = exposure.must_not_be_true, exposure.describe_empty
local CONSEQUENCE = "the cluster can be reached from outside the VPC"
local OPTS = { describe = describe_empty }
local KEYS = { "PubliclyAccessible" }

return {
  id       = "redshift-cluster-not-public",
  title    = "Redshift clusters are not publicly accessible",
  severity = "high",
  types    = { "AWS::Redshift::Cluster" },
  packs    = { "network" },
  related  = { "CT.REDSHIFT.PR.1" },
  fix      = "Set PubliclyAccessible to false and connect through the VPC (or a Redshift-managed VPC "
          .. "endpoint).",
  docs     = "https://docs.aws.amazon.com/redshift/latest/mgmt/managing-clusters-vpc.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, CONSEQUENCE, OPTS)
  end,
}
