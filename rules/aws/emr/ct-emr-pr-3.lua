-- CT.EMR.PR.3: an EMR security configuration encrypts local disks with EBS encryption.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- AtRestEncryptionConfiguration and LocalDiskEncryptionConfiguration must be objects, and
-- EnableAtRestEncryption and EnableEbsEncryption the boolean true.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
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
