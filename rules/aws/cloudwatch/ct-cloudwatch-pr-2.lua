-- CT.CLOUDWATCH.PR.2: a log group keeps its events for at least a year.
-- Guard semantics kept: RetentionInDays may be absent (never expire); when present it must be
-- an integer of at least 365 (the string "365" and the number 365.0 fail; a list passes when
-- every entry does, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local tostring, ipairs, mtype = tostring, ipairs, math.type
local is_view = pp.is_view

local function long_enough(v)
  return mtype(v) == "integer" and v >= 365
end

local function ok(v)
  if is_view(v) and (#v > 0 or tostring(v) == "[]") then
    for _, e in ipairs(v) do
      if not long_enough(e) then return false end
    end
    return true
  end
  return long_enough(v)
end

return {
  title      = "CloudWatch log groups retain events for at least 365 days",
  id         = "ct-cloudwatch-pr-2",
  severity   = "medium",
  types      = { "AWS::Logs::LogGroup" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDWATCH.PR.2", "cloudwatch_log_group_retention_period_check" },
  guard      = "cloudwatch_log_group_retention_period_check",
  frameworks = {
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-11",
    "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SI-12",
    "PCI DSS version 3.2.1:10.7", "PCI DSS version 3.2.1:3.1"
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention",
  fix        = "Set RetentionInDays to 365 or more (an integer), or leave it out to keep events "
            .. "indefinitely.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.RetentionInDays
    if v ~= nil and not ok(v) then
      return ctx.fail("RetentionInDays is " .. show(v) .. ": keep events for at least 365 days "
                      .. "(an integer)", p, "RetentionInDays")
    end
  end,
}
