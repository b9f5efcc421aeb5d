-- CT.ECR.PR.3: a private ECR repository has immutable image tags.
-- Guard semantics kept: ImageTagMutability must be present and "IMMUTABLE" (a list passes when
-- every entry is, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return {
  title      = "ECR repositories have immutable image tags",
  id         = "ct-ecr-pr-3",
  severity   = "medium",
  types      = { "AWS::ECR::Repository" },
  packs      = { "control-tower" },
  controls   = { "CT.ECR.PR.3", "ecr_private_tag_immutability_enabled_check" },
  guard      = "ecr_private_tag_immutability_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "NIST 800-53 Rev 5:CM-8(1)", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:2.4"
  },
  docs       = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
  fix        = "Set ImageTagMutability to IMMUTABLE so a pushed tag always names the same image.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.ImageTagMutability
    if v == nil then
      return ctx.fail("ImageTagMutability is missing (the default is MUTABLE)", p)
    end
    if not all_eq(v, "IMMUTABLE") then
      return ctx.fail("ImageTagMutability is " .. show(v) .. ": set it to IMMUTABLE", p,
                      "ImageTagMutability")
    end
  end,
}
