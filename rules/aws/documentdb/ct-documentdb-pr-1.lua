-- CT.DOCUMENTDB.PR.1: a DocumentDB cluster encrypts its storage.
-- Guard semantics kept: StorageEncrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-documentdb-pr-1", types = { "AWS::DocDB::DBCluster" }, props = { {
  key = "StorageEncrypted", ok = g.is_true_ipairs, unknown = g.AT_DEPLOY,
  missing = "StorageEncrypted is missing (the default is false): set it to true",
  bad = "; it must be the boolean true" } } })
