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
local type = type

return g.rule({ id = "ct-emr-pr-4", types = { "AWS::EMR::SecurityConfiguration" },
  judge = function(ctx, p)
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
})
