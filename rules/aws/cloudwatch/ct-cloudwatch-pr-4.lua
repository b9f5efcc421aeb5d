-- CT.CLOUDWATCH.PR.4: a CloudWatch alarm's actions are enabled.
-- Guard semantics kept: ActionsEnabled may be absent (it defaults to true); when present it
-- must be the boolean true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local show = g.show
local all_true = g.is_true_ipairs

return {
  title      = "CloudWatch alarm actions are enabled",
  id         = "ct-cloudwatch-pr-4",
  severity   = "medium",
  types      = { "AWS::CloudWatch::Alarm" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDWATCH.PR.4", "cloudwatch_alarm_action_enabled_check" },
  guard      = "cloudwatch_alarm_action_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AU-6(1)", "NIST 800-53 Rev 5:AU-6(5)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SI-2",
    "NIST 800-53 Rev 5:SI-4(12)"
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-actions",
  fix        = "Remove ActionsEnabled or set it to true (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local v = p.ActionsEnabled
    if v ~= nil and not all_true(v) then
      return ctx.fail("ActionsEnabled is " .. show(v) .. ": the alarm's actions will not run", p,
                      "ActionsEnabled")
    end
  end,
}
