-- CT.RDS.PR.2: RDS DB instances must turn on enhanced monitoring with a monitoring role.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")

-- Guard `MonitoringInterval in [1, 5, 10, 15, 30, 60]`: integers only; a list passes when every
-- element is one of them
local INTERVALS = { [1] = true, [5] = true, [10] = true, [15] = true, [30] = true, [60] = true }
local function interval1(x) return math.type(x) == "integer" and INTERVALS[x] == true end
local function interval_ok(v)
  if pp.is_list(v) then
    for i = 1, #v do if not interval1(v[i]) then return false end end
    return true
  end
  return interval1(v)
end

return rds.rule({
  id = "ct-rds-pr-2", type = "AWS::RDS::DBInstance", engines = rds.ALL_ENGINES,
  props = {
    { key = "MonitoringInterval", ok = interval_ok,
      missing = "MonitoringInterval is not set, so enhanced monitoring is off",
      bad = "; it must be the number 1, 5, 10, 15, 30 or 60" },
    { key = "MonitoringRoleArn", ok = g.named_or_local("AWS::IAM::Role"),
      missing = "MonitoringRoleArn is not set; enhanced monitoring needs a role",
      bad = ", neither a role ARN nor a reference to an AWS::IAM::Role in this template" },
  },
})
