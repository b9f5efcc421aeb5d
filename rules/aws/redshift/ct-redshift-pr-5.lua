-- CT.REDSHIFT.PR.5: a Redshift cluster routes COPY and UNLOAD traffic through its VPC.
-- Guard semantics kept: EnhancedVpcRouting must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-redshift-pr-5", types = { "AWS::Redshift::Cluster" }, props = { {
  key = "EnhancedVpcRouting", ok = g.is_true_ipairs, unknown = true, shape = true,
  missing = "EnhancedVpcRouting is not set, so COPY and UNLOAD traffic leaves the VPC",
  bad = "; enhanced VPC routing needs the boolean true" } } })
