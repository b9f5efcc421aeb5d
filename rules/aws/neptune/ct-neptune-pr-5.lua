-- CT.NEPTUNE.PR.5: a Neptune DB cluster keeps automated backups for at least seven days.
-- Guard semantics kept: BackupRetentionPeriod must be present and an integer of at least 7 (the string
-- "7" and the number 7.0 fail; a list passes when every entry does, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-neptune-pr-5", types = { "AWS::Neptune::DBCluster" }, props = { {
  key = "BackupRetentionPeriod", ok = function(v) return g.int_ge_ipairs(v, 7) end, unknown = true, shape = true,
  missing = "BackupRetentionPeriod is not set, so backups are kept for the default of one day",
  bad = "; keep automated backups for at least 7 days (an integer)" } } })
