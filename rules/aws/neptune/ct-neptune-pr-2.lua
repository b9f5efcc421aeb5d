-- CT.NEPTUNE.PR.2: a Neptune DB cluster cannot be deleted while deletion protection is on.
-- Guard semantics kept: DeletionProtection must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-neptune-pr-2", types = { "AWS::Neptune::DBCluster" }, props = { {
  key = "DeletionProtection", ok = g.is_true_ipairs, unknown = true, shape = true,
  missing = "DeletionProtection is not set, so the cluster can be deleted by mistake",
  bad = "; deletion protection needs the boolean true" } } })
