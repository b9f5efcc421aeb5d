-- CT.AUTOSCALING.PR.4: Auto Scaling groups attached to a load balancer must use ELB health checks.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show
local is_list = pp.is_list

local function non_empty_list(v)
  return is_list(v) and #v > 0
end

return {
  id       = "ct-autoscaling-pr-4",
  severity = "low",
  types    = { "AWS::AutoScaling::AutoScalingGroup" },
  packs    = { "control-tower" },
  controls = { "CT.AUTOSCALING.PR.4", "autoscaling_group_elb_healthcheck_required_check" },
  guard    = "autoscaling_group_elb_healthcheck_required_check",
  frameworks = { "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:CP-2(2)", "NIST 800-53 Rev 5:SI-2",
    "PCI DSS version 3.2.1:2.2" },
  docs     = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-add-elb-healthcheck.html",
  title    = "Auto Scaling groups behind a load balancer must use ELB health checks",
  fix      = "Set HealthCheckType: ELB on Auto Scaling groups that list LoadBalancerNames or TargetGroupARNs.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the Auto Scaling group has no Properties") end
    if not (non_empty_list(p.LoadBalancerNames) or non_empty_list(p.TargetGroupARNs)) then
      return ctx.skip("the group is not attached to a load balancer")
    end
    local v = p.HealthCheckType
    if v == nil then
      return ctx.fail("HealthCheckType is not set, so only EC2 status checks are used; set it to ELB", p)
    end
    if not str_eq(v, "ELB") then
      return ctx.fail("HealthCheckType is " .. show(v) .. "; a group behind a load balancer must use \"ELB\"",
                      p, "HealthCheckType")
    end
  end,
}
