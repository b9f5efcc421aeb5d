-- CT.LAMBDA.PR.5: a Lambda function URL uses IAM authentication.
-- Guard semantics kept: AuthType must be present and equal to "AWS_IAM"; a list passes only
-- when every entry is "AWS_IAM" (an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-lambda-pr-5", types = { "AWS::Lambda::Url" }, props = { {
  key = "AuthType", missing = "AuthType is missing: the function URL must use AWS_IAM",
  ok = function(v) return g.eq_ipairs(v, "AWS_IAM") end, bad = ": the function URL must use AWS_IAM" } } })
