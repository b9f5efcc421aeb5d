-- CT.ECR.PR.1: a private ECR repository has a lifecycle policy.
-- Guard semantics kept: LifecyclePolicy must be an object whose LifecyclePolicyText is a
-- non-blank string.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local type, tostring = type, tostring
local is_view = pp.is_view

return g.rule({ id = "ct-ecr-pr-1", types = { "AWS::ECR::Repository" },
  judge = function(ctx, p)
    local lp = p.LifecyclePolicy
    if lp == nil then
      return ctx.fail("LifecyclePolicy is missing: images accumulate forever", p)
    end
    if not is_view(lp) or #lp > 0 or tostring(lp) == "[]" then
      return ctx.fail("LifecyclePolicy is " .. show(lp) .. ", not an object", p,
                      "LifecyclePolicy")
    end
    local text = lp.LifecyclePolicyText
    if text == nil then
      return ctx.fail("LifecyclePolicy.LifecyclePolicyText is missing", lp)
    end
    if not (nonblank(text)) then
      return ctx.fail("LifecyclePolicy.LifecyclePolicyText is " .. show(text)
                      .. ", not a policy document", lp, "LifecyclePolicyText")
    end
  end,
})
