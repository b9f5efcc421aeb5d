-- New Redshift clusters are private unless PubliclyAccessible is true (AWS made private the
-- default in its Redshift "secure by default" change of early 2025), so only an explicit true
-- fails.
return pp.lib("exposure").flag_rule({ id = "redshift-cluster-not-public", types = { "AWS::Redshift::Cluster" }, related = { "CT.REDSHIFT.PR.1" },
  key = "PubliclyAccessible", exposed = "the cluster can be reached from outside the VPC" })
