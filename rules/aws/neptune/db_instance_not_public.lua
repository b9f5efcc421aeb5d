-- Neptune public endpoints (engine 1.4.6 and later) are switched on per DB instance with
-- PubliclyAccessible, as in the Neptune API; the instance is then reachable from the internet
-- through its security groups. Absent is false (new instances are created without one).
return pp.lib("exposure").public_flag_rule({
  id = "neptune-db-instance-not-public", types = { "AWS::Neptune::DBInstance" },
  exposed = "the instance has a public endpoint",
})
