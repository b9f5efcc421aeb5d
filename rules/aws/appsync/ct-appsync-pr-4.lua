-- CT.APPSYNC.PR.4: an AppSync API cache encrypts data in transit.
-- Guard semantics kept: TransitEncryptionEnabled must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs

return {
  title      = "AppSync API caches encrypt data in transit",
  id         = "ct-appsync-pr-4",
  severity   = "medium",
  types      = { "AWS::AppSync::ApiCache" },
  packs      = { "control-tower" },
  controls   = { "CT.APPSYNC.PR.4", "appsync_cache_encryption_in_transit_check" },
  guard      = "appsync_cache_encryption_in_transit_check",
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
  docs       = "https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html#caching-encryption",
  fix        = "Set TransitEncryptionEnabled to true (a boolean, not the string \"true\").",
  check = function(r, ctx)
    local p = r.properties
    local v = p.TransitEncryptionEnabled
    if v == nil then
      return ctx.fail("TransitEncryptionEnabled is missing: the cache is not encrypted in transit", p)
    end
    if not all_true(v) then
      return ctx.fail("TransitEncryptionEnabled is " .. show(v) .. ", not the boolean true", p, "TransitEncryptionEnabled")
    end
  end,
}
