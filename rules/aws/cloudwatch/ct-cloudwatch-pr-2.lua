-- CT.CLOUDWATCH.PR.2: a log group keeps its events for at least a year.
-- Guard semantics kept: RetentionInDays may be absent (never expire); when present it must be
-- an integer of at least 365 (the string "365" and the number 365.0 fail; a list passes when
-- every entry does, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-cloudwatch-pr-2", types = { "AWS::Logs::LogGroup" }, props = { {
  key = "RetentionInDays", ok = function(v) return g.int_ge_ipairs(v, 365) end,
  bad = ": keep events for at least 365 days (an integer)" } } })
