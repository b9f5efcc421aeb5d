-- CT.KMS.PR.1: a symmetric KMS customer managed key has automatic rotation enabled.
-- Guard semantics kept: applies when KeySpec is absent or "SYMMETRIC_DEFAULT" (a list applies
-- when every entry is, so an empty list applies); EnableKeyRotation must then be present and
-- the boolean true (the string "true" fails).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return g.rule({ id = "ct-kms-pr-1", types = { "AWS::KMS::Key" },
  judge = function(ctx, p)
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
})
