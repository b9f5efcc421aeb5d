-- CT.REDSHIFT.PR.4: a Redshift cluster accepts automatic major version upgrades.
-- Guard semantics kept: AllowVersionUpgrade may be absent (the service default allows
-- upgrades); when present it must be the boolean true (the string "true" fails; a list passes
-- when every entry is the boolean true, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-redshift-pr-4", types = { "AWS::Redshift::Cluster" }, props = { {
  key = "AllowVersionUpgrade", ok = g.is_true_ipairs, unknown = true, shape = true,
  bad = "; the cluster would not receive major version upgrades (allow them with the boolean true)" } } })
