-- CT.CLOUDWATCH.PR.1: a CloudWatch alarm has at least one alarm action.
-- Guard semantics kept: AlarmActions must be a non-empty list.
local g = pp.lib("guard")
local show = g.show
local tostring = tostring
local is_view = pp.is_view

return {
  title      = "CloudWatch alarms have an action for the ALARM state",
  id         = "ct-cloudwatch-pr-1",
  severity   = "high",
  types      = { "AWS::CloudWatch::Alarm" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDWATCH.PR.1", "cloudwatch_alarm_action_check" },
  guard      = "cloudwatch_alarm_action_check",
  frameworks = {
    "NIST 800-53 Rev 5:AU-6(1)", "NIST 800-53 Rev 5:AU-6(5)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:IR-4(1)",
    "NIST 800-53 Rev 5:IR-4(5)", "NIST 800-53 Rev 5:SI-2",
    "NIST 800-53 Rev 5:SI-20", "NIST 800-53 Rev 5:SI-4(12)",
    "NIST 800-53 Rev 5:SI-4(5)"
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions",
  fix        = "Add at least one target (for example an SNS topic ARN) to AlarmActions.",
  check = function(r, ctx)
    local p = r.properties
    local a = p.AlarmActions
    if a == nil then
      return ctx.fail("AlarmActions is missing: nothing happens when the alarm fires", p)
    end
    if not is_view(a) or #a == 0 then
      if is_view(a) and tostring(a) ~= "[]" then
        return ctx.fail("AlarmActions is " .. show(a) .. ", not a list", p, "AlarmActions")
      end
      return ctx.fail("AlarmActions is " .. show(a) .. ": nothing happens when the alarm fires",
                      p, "AlarmActions")
    end
  end,
}
