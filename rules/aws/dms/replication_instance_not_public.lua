-- Unlike RDS and Redshift, a DMS replication instance is PUBLIC when PubliclyAccessible is
-- absent: the AWS::DMS::ReplicationInstance reference and the DMS API both document the default
-- as true ("A value of true represents an instance with a public IP address ... The default
-- value is true"). So an absent value fails, like an explicit true, and the message says it is
-- the default that makes it public.
-- How a value that is not a boolean reads in a message.
local describe = pp.lib("exposure").describe_empty

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
    local p = r.properties
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set, and DMS makes replication instances public "
                      .. "by default")
    end
    if pp.is_unknown(v) then
      return ctx.unknown("PubliclyAccessible depends on a value Parapet cannot resolve", p,
                         "PubliclyAccessible")
    end
    local b = pp.bool(v)
    if b == true then
      return ctx.fail("PubliclyAccessible is " .. tostring(v)
                      .. ": the replication instance gets a public IP address", p,
                      "PubliclyAccessible")
    elseif b == nil then
      return ctx.fail("PubliclyAccessible is " .. describe(v)
                      .. ", not a boolean", p, "PubliclyAccessible")
    end
  end,
}
