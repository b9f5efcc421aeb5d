-- CT.EMR.PR.3: an EMR security configuration encrypts local disks with EBS encryption.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- AtRestEncryptionConfiguration and LocalDiskEncryptionConfiguration must be objects, and
-- EnableAtRestEncryption and EnableEbsEncryption the boolean true.
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs
local emr = pp.lib("guard_emr")
local object_at = emr.object_at
local encryption_configuration = emr.encryption_configuration
local EC = emr.EC
local flag_true = emr.flag_true

return {
  title      = "EMR security configurations encrypt local disks including EBS volumes",
  id         = "ct-emr-pr-3",
  severity   = "medium",
  types      = { "AWS::EMR::SecurityConfiguration" },
  packs      = { "control-tower" },
  controls   = { "CT.EMR.PR.3", "emr_sec_config_ebs_encryption_check" },
  guard      = "emr_sec_config_ebs_encryption_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:10.5",
    "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html",
  fix        = "Set EnableAtRestEncryption to true and, in "
            .. "AtRestEncryptionConfiguration.LocalDiskEncryptionConfiguration, set "
            .. "EnableEbsEncryption to true.",
  check = function(r, ctx)
    local p = r.properties
    local ec = encryption_configuration(ctx, p)
    if not ec then return end
    flag_true(ctx, ec, "EnableAtRestEncryption")
    local at = object_at(ctx, ec, "AtRestEncryptionConfiguration", EC)
    if not at then return end
    local ld = object_at(ctx, at, "LocalDiskEncryptionConfiguration",
                         EC .. "AtRestEncryptionConfiguration.")
    if not ld then return end
    local v = ld.EnableEbsEncryption
    if v == nil then
      return ctx.fail("LocalDiskEncryptionConfiguration.EnableEbsEncryption is missing", ld)
    end
    if not all_eq(v, true) then
      return ctx.fail("LocalDiskEncryptionConfiguration.EnableEbsEncryption is " .. show(v)
                      .. ", not the boolean true", ld, "EnableEbsEncryption")
    end
  end,
}
