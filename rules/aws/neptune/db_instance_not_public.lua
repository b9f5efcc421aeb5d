-- Neptune public endpoints (engine 1.4.6 and later) are switched on per DB instance with
-- PubliclyAccessible, as in the Neptune API; the instance is then reachable from the internet
-- through its security groups. Absent is false (new instances are created without one).
local must_not_be_true = pp.lib("exposure").must_not_be_true
local KEYS = { "PubliclyAccessible" }

return {
  id       = "neptune-db-instance-not-public",
  title    = "Neptune DB instances do not have public endpoints",
  severity = "high",
  types    = { "AWS::Neptune::DBInstance" },
  packs    = { "network" },
  fix      = "Set PubliclyAccessible to false and reach the graph from inside the VPC.",
  docs     = "https://docs.aws.amazon.com/neptune/latest/userguide/neptune-public-endpoints.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, "the instance has a public endpoint")
  end,
}
