-- CT.EMR.PR.2: an EMR security configuration encrypts EMRFS data in S3 with KMS.
-- Guard semantics kept: as CT.EMR.PR.1, and S3EncryptionConfiguration.EncryptionMode must be
-- SSE-KMS or CSE-KMS (a list passes when every entry is); when Overrides is a non-empty list,
-- every override must be an object whose EncryptionMode is also SSE-KMS or CSE-KMS.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local type, ipairs = type, ipairs
local is_view = pp.is_view

-- Returns node[key] when it is an object; otherwise reports it (missing or wrong type) and
-- returns nil. `where` names node for the message ("" for the properties).
local function object_at(ctx, node, key, where)
  local v = node[key]
  if v == nil then
    ctx.fail(where .. key .. " is missing", node)
    return nil
  end
  if not is_view(v) or is_list(v) then
    ctx.fail(where .. key .. " is " .. show(v) .. ", not an object", node, key)
    return nil
  end
  return v
end

-- The EncryptionConfiguration object of a security configuration, or nil after a failure.
local function encryption_configuration(ctx, p)
  local sc = object_at(ctx, p, "SecurityConfiguration", "")
  if not sc then return nil end
  return object_at(ctx, sc, "EncryptionConfiguration", "SecurityConfiguration.")
end

local EC = "SecurityConfiguration.EncryptionConfiguration."

-- Checks that ec[flag] is the boolean true; returns true when it is.
local function flag_true(ctx, ec, flag)
  local v = ec[flag]
  if v == nil then
    ctx.fail(EC .. flag .. " is missing", ec)
    return false
  end
  if not all_eq(v, true) then
    ctx.fail(EC .. flag .. " is " .. show(v) .. ", not the boolean true", ec, flag)
    return false
  end
  return true
end

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
