-- CT.IAM.PR.1: no Allow statement grants Action "*" on Resource "*".
-- Guard semantics kept: only a PolicyDocument object whose Statement is a non-empty list or an
-- object is examined; a statement counts when it is an object with Effect "Allow" (a list
-- Effect counts when every entry is "Allow") and both Action and Resource present. It fails
-- when some Action entry is "*" and not every Resource entry is a string other than "*" (an
-- empty Resource list passes; entries that are lists are never "*" on the Action side and
-- always fail on the Resource side).
local iam = pp.lib("guard_iam")

return {
  title      = "IAM inline policies do not grant full administrator access",
  id         = "ct-iam-pr-1",
  severity   = "high",
  types      = { "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group" },
  packs      = { "control-tower" },
  controls   = { "CT.IAM.PR.1", "iam_inline_policy_no_statements_with_admin_access_check" },
  guard      = "iam_inline_policy_no_statements_with_admin_access_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:1.16", "NIST 800-53 Rev 5:AC-2",
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(15)", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:AC-6(10)", "NIST 800-53 Rev 5:AC-6(2)",
    "NIST 800-53 Rev 5:AC-6(3)", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.1.2",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2"
  },
  docs       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  fix        = "Replace Action \"*\" with the actions the principal needs, or limit Resource to "
            .. "specific ARNs.",
  check      = iam.admin_access_check,
}
