-- CT.APPSYNC.PR.5: an AppSync API cache encrypts data at rest.
-- Guard semantics kept: AtRestEncryptionEnabled must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-appsync-pr-5", types = { "AWS::AppSync::ApiCache" }, props = { {
  key = "AtRestEncryptionEnabled", missing = "AtRestEncryptionEnabled is missing: the cache is not encrypted at rest",
  ok = g.is_true_ipairs, bad = ", not the boolean true" } } })
