-- CT.ECR.PR.1: a private ECR repository has a lifecycle policy.
-- Guard semantics kept: LifecyclePolicy must be an object whose LifecyclePolicyText is a
-- non-blank string.
local g = pp.lib("guard")
return g.object_rule({ id = "ct-ecr-pr-1", types = { "AWS::ECR::Repository" }, section = "LifecyclePolicy",
  missing = "LifecyclePolicy is missing: images accumulate forever", props = {
    { key = "LifecyclePolicyText", missing = true, ok = g.nonblank, bad = ", not a policy document" } } })
