-- CT.REDSHIFT.PR.2: a Redshift cluster takes automated snapshots and keeps them for at least seven days.
-- Guard semantics kept: AutomatedSnapshotRetentionPeriod must be present and an integer of at least 7 (the string
-- "7" and the number 7.0 fail; a list passes when every entry does, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-redshift-pr-2", types = { "AWS::Redshift::Cluster" }, props = { {
  key = "AutomatedSnapshotRetentionPeriod", ok = function(v) return g.int_ge_ipairs(v, 7) end,
  unknown = true, shape = true,
  missing = "AutomatedSnapshotRetentionPeriod is not set, so snapshots are kept for the default of one day",
  bad = "; keep automated snapshots for at least 7 days (an integer; 0 turns them off)" } } })
