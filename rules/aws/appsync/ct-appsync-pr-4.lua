-- CT.APPSYNC.PR.4: an AppSync API cache encrypts data in transit.
-- Guard semantics kept: TransitEncryptionEnabled must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-appsync-pr-4", types = { "AWS::AppSync::ApiCache" }, props = { {
  key = "TransitEncryptionEnabled", missing = "TransitEncryptionEnabled is missing: the cache is not encrypted in transit",
  ok = g.is_true_ipairs, bad = ", not the boolean true" } } })
