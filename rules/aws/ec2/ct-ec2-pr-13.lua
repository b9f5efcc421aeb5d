-- CT.EC2.PR.13: EC2 instances must turn on detailed monitoring.
local g = pp.lib("guard")
local is_true = g.is_true
local show = g.show

return {
  id       = "ct-ec2-pr-13",
  severity = "medium",
  types    = { "AWS::EC2::Instance" },
  packs    = { "control-tower" },
  controls = { "CT.EC2.PR.13", "ec2_instance_detailed_monitoring_enabled_check" },
  guard    = "ec2_instance_detailed_monitoring_enabled_check",
  frameworks = { "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SI-2" },
  docs     = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-cloudwatch-new.html",
  title    = "EC2 instances must enable detailed monitoring",
  fix      = "Set Monitoring: true (a boolean) on the instance.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the instance has no Properties") end
    local v = p.Monitoring
    if v == nil then
      return ctx.fail("Monitoring is not set, so detailed monitoring stays off", p)
    end
    if not is_true(v) then
      return ctx.fail("Monitoring is " .. show(v) .. "; it must be the boolean true", p, "Monitoring")
    end
  end,
}
