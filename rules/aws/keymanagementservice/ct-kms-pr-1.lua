-- CT.KMS.PR.1: a symmetric KMS customer managed key has automatic rotation enabled.
-- Guard semantics kept: applies when KeySpec is absent or "SYMMETRIC_DEFAULT" (a list applies
-- when every entry is, so an empty list applies); EnableKeyRotation must then be present and
-- the boolean true (the string "true" fails).
local g = pp.lib("guard")
local eq_ipairs = g.eq_ipairs
return g.props_rule({ id = "ct-kms-pr-1", types = { "AWS::KMS::Key" },
  when = function(p)
    local spec = p.KeySpec
    return spec == nil or eq_ipairs(spec, "SYMMETRIC_DEFAULT")
  end,
  props = { { key = "EnableKeyRotation", missing = "EnableKeyRotation is missing: the key is never rotated",
              ok = function(v) return eq_ipairs(v, true) end, bad = ", not the boolean true" } } })
