-- Unlike RDS and Redshift, a DMS replication instance is PUBLIC when PubliclyAccessible is
-- absent: the AWS::DMS::ReplicationInstance reference and the DMS API both document the default
-- as true ("A value of true represents an instance with a public IP address ... The default
-- value is true"). So an absent value fails, like an explicit true, and the message says it is
-- the default that makes it public.
local exposure = pp.lib("exposure")
local must_not_be_true, describe_empty = exposure.must_not_be_true, exposure.describe_empty
local CONSEQUENCE = "the replication instance gets a public IP address"
local OPTS = {
  describe = describe_empty,
  absent = "PubliclyAccessible is not set, and "
    .. "DMS makes replication instances public by default",
}
local KEYS = { "PubliclyAccessible" }

return {
  id       = "dms-replication-instance-not-public",
  title    = "DMS replication instances are not publicly accessible",
  severity = "high",
  types    = { "AWS::DMS::ReplicationInstance" },
  packs    = { "network" },
  related  = { "CT.DMS.PR.1" },
  fix      = "Set PubliclyAccessible to false explicitly (the DMS default is true) and give the "
          .. "instance a ReplicationSubnetGroupIdentifier of private subnets.",
  docs     = "https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.PublicPrivate.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, CONSEQUENCE, OPTS)
  end,
}
