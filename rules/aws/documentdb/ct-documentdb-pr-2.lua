-- CT.DOCUMENTDB.PR.2: a DocumentDB cluster keeps automated backups for at least seven days.
-- Guard semantics kept: BackupRetentionPeriod must be present and an integer >= 7 ("7" and 7.0
-- fail; a list passes when every entry does, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-documentdb-pr-2", types = { "AWS::DocDB::DBCluster" }, props = { {
  key = "BackupRetentionPeriod", ok = function(v) return g.int_ge_ipairs(v, 7) end, unknown = g.AT_DEPLOY,
  missing = "BackupRetentionPeriod is missing (the default keeps backups for 1 day): set it to 7 or more",
  bad = "; it must be an integer number of days of at least 7" } } })
