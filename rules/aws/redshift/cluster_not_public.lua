-- New Redshift clusters are private unless PubliclyAccessible is true (AWS made private the
-- default in its Redshift "secure by default" change of early 2025), so only an explicit true
-- fails.
-- How a value that is not a boolean reads in a message.
local describe = pp.lib("exposure").describe_empty

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
                      .. ": the cluster can be reached from outside the VPC", p,
                      "PubliclyAccessible")
    elseif b == nil then
      return ctx.fail("PubliclyAccessible is " .. describe(v)
                      .. ", not a boolean", p, "PubliclyAccessible")
    end
  end,
}
