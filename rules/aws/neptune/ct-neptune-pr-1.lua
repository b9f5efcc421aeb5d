-- CT.NEPTUNE.PR.1: a Neptune DB cluster authenticates database users with IAM.
-- Guard semantics kept: IamAuthEnabled must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-neptune-pr-1", types = { "AWS::Neptune::DBCluster" }, props = { {
  key = "IamAuthEnabled", ok = g.is_true_ipairs, unknown = true, shape = true,
  missing = "IamAuthEnabled is not set, so IAM database authentication is off",
  bad = "; IAM database authentication needs the boolean true" } } })
