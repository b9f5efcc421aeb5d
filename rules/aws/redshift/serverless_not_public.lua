-- A Redshift Serverless workgroup with PubliclyAccessible true gets an endpoint reachable from
-- the internet (through the security groups of its subnets). Absent is false.
return pp.lib("exposure").public_flag_rule({
  id = "redshift-serverless-workgroup-not-public", types = { "AWS::RedshiftServerless::Workgroup" },
  exposed = "the workgroup's endpoint is reachable from the internet",
})
