-- PubliclyAccessible true fails. When it is absent RDS decides from the network: with a
-- DBSubnetGroupName (or, for an Aurora instance, the cluster's subnet group) the default is
-- private; with neither, the instance goes into the account's default VPC, where the default is
-- public whenever that VPC has an internet gateway. The template cannot show the default VPC, so
-- that last case is UNKNOWN rather than a guess either way.
local exposure = pp.lib("exposure")
local must_not_be_true = exposure.must_not_be_true
local OPTS = { describe = exposure.describe_empty }
local KEYS = { "PubliclyAccessible" }

return {
  id = "rds-instance-not-public",
  types = { "AWS::RDS::DBInstance" },
  related = { "CT.RDS.PR.23" },
  check = function(r, ctx)
    local p = r.properties
    local v = p.PubliclyAccessible
    if v == nil then
      if p.DBSubnetGroupName == nil and p.DBClusterIdentifier == nil then
        return ctx.unknown("PubliclyAccessible is not set and there is no DBSubnetGroupName: the "
                           .. "instance is created in the default VPC, where it is public if that "
                           .. "VPC has an internet gateway")
      end
      -- The subnet group name may itself be an unresolved parameter: it is only a location.
      pp.is_unknown(p.DBSubnetGroupName)
      pp.is_unknown(p.DBClusterIdentifier)
      return true
    end
    return must_not_be_true(ctx, p, KEYS, "the instance gets a public DNS name and address", OPTS)
  end,
}
