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

return g.rule({ id = "ct-emr-pr-3", types = { "AWS::EMR::SecurityConfiguration" },
  judge = function(ctx, p)
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
})
