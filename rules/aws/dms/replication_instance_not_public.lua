-- Unlike RDS and Redshift, a DMS replication instance is PUBLIC when PubliclyAccessible is
-- absent: the AWS::DMS::ReplicationInstance reference and the DMS API both document the default
-- as true ("A value of true represents an instance with a public IP address ... The default
-- value is true"). So an absent value fails, like an explicit true, and the message says it is
-- the default that makes it public.
return pp.lib("exposure").flag_rule({ id = "dms-replication-instance-not-public", types = { "AWS::DMS::ReplicationInstance" }, related = { "CT.DMS.PR.1" },
  key = "PubliclyAccessible", exposed = "the replication instance gets a public IP address",
  absent = "PubliclyAccessible is not set, and DMS makes replication instances public by default" })
