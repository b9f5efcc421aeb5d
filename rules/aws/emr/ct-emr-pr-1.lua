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
local type = type

return g.rule({ id = "ct-emr-pr-1", types = { "AWS::EMR::SecurityConfiguration" },
  judge = function(ctx, p)
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
})
