-- CT.ELASTICACHE.PR.5: a Redis replication group encrypts traffic in transit.
-- Guard semantics kept: the control applies when Engine is present and exactly "redis" (a list
-- applies when every entry is, so an empty list applies; an absent Engine is out of scope even
-- though CloudFormation's default engine is redis); TransitEncryptionEnabled must then be present
-- and the boolean true (the string "true" fails; a list passes when every entry is true).
return pp.lib("guard_elasticache").redis_flag_rule({
  id = "ct-elasticache-pr-5", key = "TransitEncryptionEnabled",
  harm = "clients and replicas exchange data in clear text",
})
