-- CT.ELASTICFILESYSYSTEM.PR.1: an EFS file system encrypts its data.
-- Guard semantics kept: Encrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-elasticfilesysystem-pr-1", types = { "AWS::EFS::FileSystem" }, props = { {
  key = "Encrypted", missing = "Encrypted is missing: the file system is not encrypted",
  ok = function(v) return g.eq_ipairs(v, true) end, bad = ", not the boolean true" } } })
