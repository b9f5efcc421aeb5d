-- CT.ELASTICACHE.PR.3: a Redis replication group fails over automatically.
-- Guard semantics kept: the control applies when Engine is present and exactly "redis" (a list
-- applies when every entry is, so an empty list applies; an absent Engine is out of scope even
-- though CloudFormation's default engine is redis); AutomaticFailoverEnabled must then be present
-- and the boolean true (the string "true" fails; a list passes when every entry is true).
return pp.lib("guard_elasticache").redis_flag_rule({
  id = "ct-elasticache-pr-3", key = "AutomaticFailoverEnabled",
  harm = "a failed primary is not replaced by a replica",
})
