-- CT.REDSHIFT.PR.1: a Redshift cluster is not publicly accessible.
-- Guard semantics kept: PubliclyAccessible must be present and the boolean false (absent fails,
-- although the service now defaults to private; the string "false" fails; a list passes when
-- every entry is the boolean false, so an empty list passes). The network pack's
-- redshift-cluster-not-public judges the same setting on its own terms (absent passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-redshift-pr-1", types = { "AWS::Redshift::Cluster" }, props = { {
  key = "PubliclyAccessible", ok = function(v) return g.eq_ipairs(v, false) end, unknown = true,
  show = pp.lib("exposure").describe,
  missing = "PubliclyAccessible is not set; this control wants it explicitly false",
  bad = "; it must be the boolean false" } } })
