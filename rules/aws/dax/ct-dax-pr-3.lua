-- CT.DAX.PR.3: a DAX cluster encrypts traffic to its endpoint with TLS.
-- Guard semantics kept: ClusterEndpointEncryptionType must be present and exactly "TLS" (a list
-- passes when every entry is "TLS", so an empty list passes).
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local show = g.show

local function all_eq(v, x)
  if is_list(v) then
    for _, e in ipairs(v) do
      if e ~= x then return false end
    end
    return true
  end
  return v == x
end

return {
  title      = "DAX clusters encrypt endpoint traffic with TLS",
  id         = "ct-dax-pr-3",
  severity   = "medium",
  types      = { "AWS::DAX::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.DAX.PR.3", "dax_tls_endpoint_encryption_check" },
  guard      = "dax_tls_endpoint_encryption_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionInTransit.html",
  fix        = "Set ClusterEndpointEncryptionType to TLS (chosen at creation: changing it replaces "
            .. "the cluster).",
  check = function(r, ctx)
    local p = r.properties
    local v = p.ClusterEndpointEncryptionType
    if v == nil then
      return ctx.fail("ClusterEndpointEncryptionType is missing (the default is NONE): set it to TLS", p)
    end
    if is_unknown(v) then
      return ctx.unknown("ClusterEndpointEncryptionType depends on a value known only at deploy time",
                         p, "ClusterEndpointEncryptionType")
    end
    if not all_eq(v, "TLS") then
      return ctx.fail("ClusterEndpointEncryptionType is " .. show(v)
                      .. ": clients reach the cluster without TLS; set it to TLS", p,
                      "ClusterEndpointEncryptionType")
    end
  end,
}
