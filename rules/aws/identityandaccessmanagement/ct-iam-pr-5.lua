-- CT.IAM.PR.5: no Allow statement grants "service:*" (or "*"), and none uses NotAction.
-- Guard semantics kept: only a PolicyDocument object whose Statement is a non-empty list or an
-- object is examined; a statement counts when it is an object with Effect "Allow" (a list
-- Effect counts when every entry is "Allow"). Every Action entry must be a string that does not
-- match ^\w*:*\*$ (so "*", "s3:*", "s3*" fail; "s3:Get*" passes; an empty Action list passes),
-- and NotAction must be absent.
local iam = pp.lib("guard_iam")

return {
  title      = "IAM inline policies do not grant full access to a service",
  id         = "ct-iam-pr-5",
  severity   = "low",
  types      = { "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group" },
  packs      = { "control-tower" },
  controls   = { "CT.IAM.PR.5", "iam_inline_policy_no_statements_with_full_access_check" },
  guard      = "iam_inline_policy_no_statements_with_full_access_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2", "NIST 800-53 Rev 5:AC-2(1)",
    "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5",
    "NIST 800-53 Rev 5:AC-6", "NIST 800-53 Rev 5:AC-6(10)",
    "NIST 800-53 Rev 5:AC-6(2)", "NIST 800-53 Rev 5:AC-6(3)",
    "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.1.2", "PCI DSS version 3.2.1:7.2.1",
    "PCI DSS version 3.2.1:7.2.2"
  },
  docs       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  fix        = "List the specific actions the principal needs instead of \"service:*\" or "
            .. "\"*\", and express exclusions with Deny statements rather than Allow with "
            .. "NotAction.",
  check      = iam.full_access_check,
}
