-- CT.NEPTUNE.PR.3: a Neptune DB cluster encrypts its storage at rest.
-- Guard semantics kept: StorageEncrypted must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-neptune-pr-3", types = { "AWS::Neptune::DBCluster" }, props = { {
  key = "StorageEncrypted", ok = g.is_true_ipairs, unknown = true, shape = true,
  missing = "StorageEncrypted is not set, so the cluster storage is not encrypted at rest",
  bad = "; storage encryption needs the boolean true" } } })
