-- CT.AUTOSCALING.PR.4: Auto Scaling groups attached to a load balancer must use ELB health checks.
local g = pp.lib("guard")
local str_eq = g.eq_all
local show = g.show
local is_list = pp.is_list

local function non_empty_list(v)
  return is_list(v) and #v > 0
end

return g.rule({ id = "ct-autoscaling-pr-4", types = { "AWS::AutoScaling::AutoScalingGroup" }, noun = "Auto Scaling group",
  judge = function(ctx, p)
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
})
