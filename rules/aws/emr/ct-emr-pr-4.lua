-- CT.EMR.PR.4: an EMR security configuration encrypts data in transit.
-- Guard semantics kept: SecurityConfiguration, EncryptionConfiguration,
-- InTransitEncryptionConfiguration and TLSCertificateConfiguration must be objects,
-- EnableInTransitEncryption the boolean true and CertificateProviderType a non-blank string.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local type, find = type, string.find
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
    if not (type(v) == "string" and find(v, "%S")) then
      return ctx.fail("TLSCertificateConfiguration.CertificateProviderType is " .. show(v)
                      .. ", not a provider type", tls, "CertificateProviderType")
    end
  end,
}
