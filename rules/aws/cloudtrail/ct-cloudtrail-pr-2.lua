-- CT.CLOUDTRAIL.PR.2: a CloudTrail trail validates its log files.
-- Guard semantics kept: EnableLogFileValidation must be present and the boolean true (the
-- string "true" fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_true = g.is_true_ipairs

return {
  title      = "CloudTrail trails have log file integrity validation enabled",
  id         = "ct-cloudtrail-pr-2",
  severity   = "high",
  types      = { "AWS::CloudTrail::Trail" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDTRAIL.PR.2", "cloud_trail_log_file_validation_enabled_check" },
  guard      = "cloud_trail_log_file_validation_enabled_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:3.2", "NIST 800-53 Rev 5:AU-9",
    "NIST 800-53 Rev 5:SI-4", "NIST 800-53 Rev 5:SI-7(1)",
    "NIST 800-53 Rev 5:SI-7(3)", "NIST 800-53 Rev 5:SI-7(7)",
    "PCI DSS version 3.2.1:10.5.5", "PCI DSS version 3.2.1:11.5",
    "PCI DSS version 3.2.1:2.2"
  },
  docs       = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html",
  fix        = "Set EnableLogFileValidation to true (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local v = p.EnableLogFileValidation
    if v == nil then
      return ctx.fail("EnableLogFileValidation is missing: log files are not validated", p)
    end
    if not all_true(v) then
      return ctx.fail("EnableLogFileValidation is " .. show(v) .. ", not the boolean true", p,
                      "EnableLogFileValidation")
    end
  end,
}
