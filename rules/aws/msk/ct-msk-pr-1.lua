-- CT.MSK.PR.1: an MSK cluster encrypts traffic between its brokers.
-- Guard semantics kept: EncryptionInfo may be absent; when present it must be an object whose
-- EncryptionInTransit is absent or an object whose InCluster is absent or the boolean true
-- (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
return g.value_rule({ id = "ct-msk-pr-1", types = { "AWS::MSK::Cluster" },
  keys = { "EncryptionInfo", "EncryptionInTransit", "InCluster" }, missing = { false, false, false },
  ok = g.is_true_ipairs, bad = ": traffic between brokers is not encrypted" })
