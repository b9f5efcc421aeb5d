-- CT.IAM.PR.2: no Allow statement grants Action "*" on Resource "*".
-- Guard semantics kept: only a PolicyDocument object whose Statement is a non-empty list or an
-- object is examined; a statement counts when it is an object with Effect "Allow" (a list
-- Effect counts when every entry is "Allow") and both Action and Resource present. It fails
-- when some Action entry is "*" and not every Resource entry is a string other than "*" (an
-- empty Resource list passes; entries that are lists are never "*" on the Action side and
-- always fail on the Resource side).
local iam = pp.lib("guard_iam")

return {
  id         = "ct-iam-pr-2",
  types      = { "AWS::IAM::ManagedPolicy" },
  check      = iam.admin_access_check,
}
