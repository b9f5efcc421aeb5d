-- CT.KMS.PR.1: a symmetric KMS customer managed key has automatic rotation enabled.
-- Guard semantics kept: applies when KeySpec is absent or "SYMMETRIC_DEFAULT" (a list applies
-- when every entry is, so an empty list applies); EnableKeyRotation must then be present and
-- the boolean true (the string "true" fails).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return {
  title      = "KMS symmetric keys have automatic key rotation enabled",
  id         = "ct-kms-pr-1",
  severity   = "medium",
  types      = { "AWS::KMS::Key" },
  packs      = { "control-tower" },
  controls   = { "CT.KMS.PR.1", "kms_key_rotation_enabled_check" },
  guard      = "kms_key_rotation_enabled_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:3.8", "NIST 800-53 Rev 5:SC-12",
    "NIST 800-53 Rev 5:SC-12(2)", "NIST 800-53 Rev 5:SC-28(3)",
    "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:3.6.4"
  },
  docs       = "https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
  fix        = "Set EnableKeyRotation to true (a boolean) on symmetric encryption keys.",
  check = function(r, ctx)
    local p = r.properties
    local spec = p.KeySpec
    if spec ~= nil and not all_eq(spec, "SYMMETRIC_DEFAULT") then return end
    local v = p.EnableKeyRotation
    if v == nil then
      return ctx.fail("EnableKeyRotation is missing: the key is never rotated", p)
    end
    if not all_eq(v, true) then
      return ctx.fail("EnableKeyRotation is " .. show(v) .. ", not the boolean true", p,
                      "EnableKeyRotation")
    end
  end,
}
