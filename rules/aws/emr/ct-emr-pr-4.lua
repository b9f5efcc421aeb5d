-- CT.EMR.PR.4: an EMR security configuration encrypts data in transit.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- InTransitEncryptionConfiguration and TLSCertificateConfiguration must be objects,
-- EnableInTransitEncryption the boolean true and CertificateProviderType a non-blank string.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local emr = pp.lib("guard_emr")
local object_at = emr.object_at
local encryption_configuration = emr.encryption_configuration
local EC = emr.EC
local flag_true = emr.flag_true
local type, find = type, string.find

return {
  title      = "EMR security configurations encrypt data in transit",
  id         = "ct-emr-pr-4",
  severity   = "medium",
  types      = { "AWS::EMR::SecurityConfiguration" },
  packs      = { "control-tower" },
  controls   = { "CT.EMR.PR.4", "emr_sec_config_encryption_in_transit_check" },
  guard      = "emr_sec_config_encryption_in_transit_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4",
    "NIST 800-53 Rev 5:IA-5(1)", "NIST 800-53 Rev 5:SC-12(3)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)",
    "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1",
    "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html",
  fix        = "Set EnableInTransitEncryption to true and give "
            .. "InTransitEncryptionConfiguration.TLSCertificateConfiguration a "
            .. "CertificateProviderType (for example PEM).",
  check = function(r, ctx)
    local p = r.properties
    local ec = encryption_configuration(ctx, p)
    if not ec then return end
    flag_true(ctx, ec, "EnableInTransitEncryption")
    local it = object_at(ctx, ec, "InTransitEncryptionConfiguration", EC)
    if not it then return end
    local tls = object_at(ctx, it, "TLSCertificateConfiguration",
                          EC .. "InTransitEncryptionConfiguration.")
    if not tls then return end
    local v = tls.CertificateProviderType
    if v == nil then
      return ctx.fail("TLSCertificateConfiguration.CertificateProviderType is missing", tls)
    end
    if not (nonblank(v)) then
      return ctx.fail("TLSCertificateConfiguration.CertificateProviderType is " .. show(v)
                      .. ", not a provider type", tls, "CertificateProviderType")
    end
  end,
}
