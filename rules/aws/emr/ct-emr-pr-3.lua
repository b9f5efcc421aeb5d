-- CT.EMR.PR.3: an EMR security configuration encrypts local disks with EBS encryption.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- AtRestEncryptionConfiguration and LocalDiskEncryptionConfiguration must be objects, and
-- EnableAtRestEncryption and EnableEbsEncryption the boolean true.
local all_eq = pp.lib("guard").eq_ipairs
return pp.lib("guard_emr").config_rule({ id = "ct-emr-pr-3", flag = "EnableAtRestEncryption",
  outer = "AtRestEncryptionConfiguration", inner = "LocalDiskEncryptionConfiguration",
  key = "EnableEbsEncryption", ok = function(v) return all_eq(v, true) end, bad = ", not the boolean true" })
