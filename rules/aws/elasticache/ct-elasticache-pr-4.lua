-- CT.ELASTICACHE.PR.4: a Redis replication group encrypts its data at rest.
-- Guard semantics kept: the control applies when Engine is present and exactly "redis" (a list
-- applies when every entry is, so an empty list applies; an absent Engine is out of scope even
-- though CloudFormation's default engine is redis); AtRestEncryptionEnabled must then be present
-- and the boolean true (the string "true" fails; a list passes when every entry is true).
return pp.lib("guard_elasticache").redis_flag_rule({
  id = "ct-elasticache-pr-4", key = "AtRestEncryptionEnabled",
  harm = "cached data, backups and swap files are stored unencrypted",
})
