-- A Redshift Serverless workgroup with PubliclyAccessible true gets an endpoint reachable from
-- the internet (through the security groups of its subnets). Absent is false.
local must_not_be_true = pp.lib("exposure").must_not_be_true
local KEYS = { "PubliclyAccessible" }

return {
  id       = "redshift-serverless-workgroup-not-public",
  title    = "Redshift Serverless workgroups are not publicly accessible",
  severity = "high",
  types    = { "AWS::RedshiftServerless::Workgroup" },
  packs    = { "network" },
  fix      = "Set PubliclyAccessible to false and connect from inside the VPC (or through a VPN).",
  docs     = "https://docs.aws.amazon.com/redshift/latest/mgmt/serverless-connecting.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, "the workgroup's endpoint is reachable from the internet")
  end,
}
