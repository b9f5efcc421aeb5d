-- CT.EMR.PR.2: an EMR security configuration encrypts EMRFS data in S3 with KMS.
-- Guard semantics kept: as CT.EMR.PR.1, and S3EncryptionConfiguration.EncryptionMode must be
-- SSE-KMS or CSE-KMS (a list passes when every entry is); when Overrides is a non-empty list,
-- every override must be an object whose EncryptionMode is also SSE-KMS or CSE-KMS.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local emr = pp.lib("guard_emr")
local object_at = emr.object_at
local encryption_configuration = emr.encryption_configuration
local EC = emr.EC
local flag_true = emr.flag_true
local type, ipairs = type, ipairs
local is_view = pp.is_view

local KMS = { ["SSE-KMS"] = true, ["CSE-KMS"] = true }

local function kms_mode(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if type(e) ~= "string" or not KMS[e] then return false end
    end
    return true
  end
  return type(v) == "string" and KMS[v] == true
end

local function check_mode(ctx, node, where)
  local mode = node.EncryptionMode
  if mode == nil then
    ctx.fail(where .. "EncryptionMode is missing", node)
  elseif not kms_mode(mode) then
    ctx.fail(where .. "EncryptionMode is " .. show(mode) .. ": use SSE-KMS or CSE-KMS", node,
             "EncryptionMode")
  end
end

return {
  title      = "EMR security configurations encrypt EMRFS data in S3 with AWS KMS",
  id         = "ct-emr-pr-2",
  severity   = "medium",
  types      = { "AWS::EMR::SecurityConfiguration" },
  packs      = { "control-tower" },
  controls   = { "CT.EMR.PR.2", "emr_sec_config_encryption_at_rest_s3_kms_check" },
  guard      = "emr_sec_config_encryption_at_rest_s3_kms_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:10.5",
    "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-data-encryption-options.html",
  fix        = "Set EnableAtRestEncryption to true and use EncryptionMode SSE-KMS or CSE-KMS in "
            .. "AtRestEncryptionConfiguration.S3EncryptionConfiguration and in each of its "
            .. "Overrides.",
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
    check_mode(ctx, s3, "S3EncryptionConfiguration.")
    local ov = s3.Overrides
    if is_list(ov) then
      for i, o in ipairs(ov) do
        if is_view(o) and not is_list(o) then
          check_mode(ctx, o, "S3EncryptionConfiguration.Overrides[" .. i .. "].")
        else
          ctx.fail("S3EncryptionConfiguration.Overrides[" .. i .. "] is " .. show(o)
                   .. ", not an override object", ov, i)
        end
      end
    end
  end,
}
