-- CT.CLOUDTRAIL.PR.2: a CloudTrail trail validates its log files.
-- Guard semantics kept: EnableLogFileValidation must be present and the boolean true (the
-- string "true" fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-cloudtrail-pr-2", types = { "AWS::CloudTrail::Trail" }, props = { {
  key = "EnableLogFileValidation", missing = "EnableLogFileValidation is missing: log files are not validated",
  ok = g.is_true_ipairs, bad = ", not the boolean true" } } })
