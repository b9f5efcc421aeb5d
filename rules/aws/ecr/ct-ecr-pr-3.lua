-- CT.ECR.PR.3: a private ECR repository has immutable image tags.
-- Guard semantics kept: ImageTagMutability must be present and "IMMUTABLE" (a list passes when
-- every entry is, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-ecr-pr-3", types = { "AWS::ECR::Repository" }, props = { {
  key = "ImageTagMutability", missing = "ImageTagMutability is missing (the default is MUTABLE)",
  ok = function(v) return g.eq_ipairs(v, "IMMUTABLE") end, bad = ": set it to IMMUTABLE" } } })
