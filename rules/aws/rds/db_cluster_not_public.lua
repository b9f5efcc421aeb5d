-- PubliclyAccessible on a DB cluster applies to Multi-AZ DB clusters (Aurora sets it on each
-- DB instance, judged by rds-instance-not-public). Only an explicit true fails here.
-- How a value that is not a boolean reads in a message.
local describe = pp.lib("exposure").describe_empty

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
    local p = r.properties
    local v = p.PubliclyAccessible
    if v == nil then return true end
    if pp.is_unknown(v) then
      return ctx.unknown("PubliclyAccessible depends on a value Parapet cannot resolve", p,
                         "PubliclyAccessible")
    end
    local b = pp.bool(v)
    if b == true then
      return ctx.fail("PubliclyAccessible is " .. tostring(v)
                      .. ": the cluster's endpoints resolve to public addresses", p,
                      "PubliclyAccessible")
    elseif b == nil then
      return ctx.fail("PubliclyAccessible is " .. describe(v)
                      .. ", not a boolean", p, "PubliclyAccessible")
    end
  end,
}
