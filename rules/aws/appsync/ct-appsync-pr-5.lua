-- CT.APPSYNC.PR.5: an AppSync API cache encrypts data at rest.
-- Guard semantics kept: AtRestEncryptionEnabled must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs

return {
  title      = "AppSync API caches encrypt data at rest",
  id         = "ct-appsync-pr-5",
  severity   = "medium",
  types      = { "AWS::AppSync::ApiCache" },
  packs      = { "control-tower" },
  controls   = { "CT.APPSYNC.PR.5", "appsync_cache_encryption_at_rest_check" },
  guard      = "appsync_cache_encryption_at_rest_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:3.4",
    "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/appsync/latest/devguide/enabling-caching.html#caching-encryption",
  fix        = "Set AtRestEncryptionEnabled to true (a boolean, not the string \"true\").",
  check = function(r, ctx)
    local p = r.properties
    local v = p.AtRestEncryptionEnabled
    if v == nil then
      return ctx.fail("AtRestEncryptionEnabled is missing: the cache is not encrypted at rest", p)
    end
    if not all_true(v) then
      return ctx.fail("AtRestEncryptionEnabled is " .. show(v) .. ", not the boolean true", p, "AtRestEncryptionEnabled")
    end
  end,
}
