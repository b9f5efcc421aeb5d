-- CT.REDSHIFT.PR.8: a Redshift cluster encrypts its data at rest.
-- Guard semantics kept: Encrypted must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-redshift-pr-8", types = { "AWS::Redshift::Cluster" }, props = { {
  key = "Encrypted", ok = g.is_true_ipairs, unknown = true, shape = true,
  missing = "Encrypted is not set, so the cluster is not encrypted at rest",
  bad = "; encryption at rest needs the boolean true" } } })
