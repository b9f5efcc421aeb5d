-- CT.EMR.PR.1: an EMR security configuration encrypts EMRFS data at rest in S3.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- AtRestEncryptionConfiguration and S3EncryptionConfiguration must be objects (a JSON string
-- SecurityConfiguration fails), EnableAtRestEncryption the boolean true, and EncryptionMode a
-- non-blank string.
local g = pp.lib("guard")
return pp.lib("guard_emr").config_rule({ id = "ct-emr-pr-1", flag = "EnableAtRestEncryption",
  outer = "AtRestEncryptionConfiguration", inner = "S3EncryptionConfiguration",
  key = "EncryptionMode", ok = g.nonblank, bad = ", not an encryption mode" })
