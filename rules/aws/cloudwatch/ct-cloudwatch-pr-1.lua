-- CT.CLOUDWATCH.PR.1: a CloudWatch alarm has at least one alarm action.
-- Guard semantics kept: AlarmActions must be a non-empty list.
local g = pp.lib("guard")
local show = g.show
local tostring = tostring
local is_view = pp.is_view

return g.props_rule({ id = "ct-cloudwatch-pr-1", types = { "AWS::CloudWatch::Alarm" }, props = { {
  key = "AlarmActions", missing = "AlarmActions is missing: nothing happens when the alarm fires",
  ok = function(a) return is_view(a) and #a > 0 end,
  bad = function(a)
    if is_view(a) and tostring(a) ~= "[]" then return "AlarmActions is " .. show(a) .. ", not a list" end
    return "AlarmActions is " .. show(a) .. ": nothing happens when the alarm fires"
  end } } })
