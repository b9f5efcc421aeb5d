-- CT.DAX.PR.1: a DAX cluster encrypts its data at rest.
-- Guard semantics kept: SSESpecification must be an object whose SSEEnabled is the boolean true
-- (the string "true" fails; a list passes when every entry is true, so an empty list passes).
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list, is_map, is_unknown = pp.is_list, pp.is_map, pp.is_unknown
local g = pp.lib("guard")
local show, all_true = g.show, g.is_true_ipairs

return {
  title      = "DAX clusters encrypt data at rest",
  id         = "ct-dax-pr-1",
  severity   = "medium",
  types      = { "AWS::DAX::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.DAX.PR.1", "dax_cluster_encryption_enabled_check" },
  guard      = "dax_cluster_encryption_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DAXEncryptionAtRest.html",
  fix        = "Add SSESpecification: { SSEEnabled: true } to the cluster (encryption at rest can "
            .. "only be chosen when the cluster is created).",
  check = function(r, ctx)
    local p = r.properties
    local sse = p.SSESpecification
    if sse == nil then
      return ctx.fail("SSESpecification is missing, so the cluster is not encrypted at rest", p)
    end
    if is_unknown(sse) then
      return ctx.unknown("SSESpecification depends on a value known only at deploy time", p,
                         "SSESpecification")
    end
    if not is_map(sse) then
      return ctx.fail("SSESpecification is " .. show(sse) .. ", not an object", p, "SSESpecification")
    end
    local v = sse.SSEEnabled
    if v == nil then
      return ctx.fail("SSESpecification.SSEEnabled is missing: set it to true", sse)
    end
    if is_unknown(v) then
      return ctx.unknown("SSESpecification.SSEEnabled depends on a value known only at deploy time",
                         sse, "SSEEnabled")
    end
    if not all_true(v) then
      return ctx.fail("SSESpecification.SSEEnabled is " .. show(v)
                      .. "; it must be the boolean true", sse, "SSEEnabled")
    end
  end,
}
