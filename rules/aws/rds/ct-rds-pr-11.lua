-- CT.RDS.PR.11: RDS DB instances must be deployed in a VPC, through a DB subnet group.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-11", type = "AWS::RDS::DBInstance", engines = rds.INSTANCE_ENGINES,
  props = { { key = "DBSubnetGroupName", ok = g.named_or_local("AWS::RDS::DBSubnetGroup"),
    bad = ", neither a subnet group name nor a reference to an AWS::RDS::DBSubnetGroup in this template",
    missing = "DBSubnetGroupName is not set, so the instance is not placed in a VPC subnet group" } } })
