-- CT.IAM.PR.3: no Allow statement grants "service:*" (or "*"), and none uses NotAction.
-- Guard semantics kept: only a PolicyDocument object whose Statement is a non-empty list or an
-- object is examined; a statement counts when it is an object with Effect "Allow" (a list
-- Effect counts when every entry is "Allow"). Every Action entry must be a string that does not
-- match ^\w*:*\*$ (so "*", "s3:*", "s3*" fail; "s3:Get*" passes; an empty Action list passes),
-- and NotAction must be absent.
local iam = pp.lib("guard_iam")

return {
  id         = "ct-iam-pr-3",
  types      = { "AWS::IAM::ManagedPolicy" },
  check      = iam.full_access_check,
}
