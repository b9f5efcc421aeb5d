-- CT.ECR.PR.3: a private ECR repository has immutable image tags.
-- Guard semantics kept: ImageTagMutability must be present and "IMMUTABLE" (a list passes when
-- every entry is, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return g.rule({ id = "ct-ecr-pr-3", types = { "AWS::ECR::Repository" },
  judge = function(ctx, p)
    local v = p.ImageTagMutability
    if v == nil then
      return ctx.fail("ImageTagMutability is missing (the default is MUTABLE)", p)
    end
    if not all_eq(v, "IMMUTABLE") then
      return ctx.fail("ImageTagMutability is " .. show(v) .. ": set it to IMMUTABLE", p,
                      "ImageTagMutability")
    end
  end,
})
