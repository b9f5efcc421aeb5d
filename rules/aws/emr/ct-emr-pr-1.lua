-- CT.EMR.PR.1: an EMR security configuration encrypts EMRFS data at rest in S3.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- AtRestEncryptionConfiguration and S3EncryptionConfiguration must be objects (a JSON string
-- SecurityConfiguration fails), EnableAtRestEncryption the boolean true, and EncryptionMode a
-- non-blank string.
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
  title      = "EMR security configurations encrypt EMRFS data in S3",
  id         = "ct-emr-pr-1",
  severity   = "medium",
  types      = { "AWS::EMR::SecurityConfiguration" },
  packs      = { "control-tower" },
  controls   = { "CT.EMR.PR.1", "emr_sec_config_encryption_at_rest_s3_check" },
  guard      = "emr_sec_config_encryption_at_rest_s3_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:10.5",
    "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html",
  fix        = "Set EnableAtRestEncryption to true and give "
            .. "AtRestEncryptionConfiguration.S3EncryptionConfiguration an EncryptionMode "
            .. "(SSE-S3, SSE-KMS or CSE-KMS).",
  check = function(r, ctx)
    local p = r.properties
    local ec = encryption_configuration(ctx, p)
    if not ec then return end
    flag_true(ctx, ec, "EnableAtRestEncryption")
    local at = object_at(ctx, ec, "AtRestEncryptionConfiguration", EC)
    if not at then return end
    local s3 = object_at(ctx, at, "S3EncryptionConfiguration",
                         EC .. "AtRestEncryptionConfiguration.")
    if not s3 then return end
    local mode = s3.EncryptionMode
    if mode == nil then
      return ctx.fail("S3EncryptionConfiguration.EncryptionMode is missing", s3)
    end
    if not (nonblank(mode)) then
      return ctx.fail("S3EncryptionConfiguration.EncryptionMode is " .. show(mode)
                      .. ", not an encryption mode", s3, "EncryptionMode")
    end
  end,
}
