-- CT.EMR.PR.4: an EMR security configuration encrypts data in transit.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- InTransitEncryptionConfiguration and TLSCertificateConfiguration must be objects,
-- EnableInTransitEncryption the boolean true and CertificateProviderType a non-blank string.
local g = pp.lib("guard")
return pp.lib("guard_emr").config_rule({ id = "ct-emr-pr-4", flag = "EnableInTransitEncryption",
  outer = "InTransitEncryptionConfiguration", inner = "TLSCertificateConfiguration",
  key = "CertificateProviderType", ok = g.nonblank, bad = ", not a provider type" })
