-- CT.CLOUDWATCH.PR.4: a CloudWatch alarm's actions are enabled.
-- Guard semantics kept: ActionsEnabled may be absent (it defaults to true); when present it
-- must be the boolean true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-cloudwatch-pr-4", types = { "AWS::CloudWatch::Alarm" }, props = { {
  key = "ActionsEnabled", ok = g.is_true_ipairs, bad = ": the alarm's actions will not run" } } })
