-- CT.ELASTICLOADBALANCING.PR.15 (elbv2_target_group_cross_zone_check): ELBv2 target groups do not turn off cross-zone load balancing.
local g = pp.lib("guard")
local is_list = g.is_list_read
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get

local ALLOWED = { [true] = true, ["true"] = true, use_load_balancer_configuration = true }
local KEY = "load_balancing.cross_zone.enabled"

return {
  id         = "ct-elasticloadbalancing-pr-15",
  title      = "ELBv2 target groups do not turn off cross-zone load balancing",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancingV2::TargetGroup" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.15", "elbv2_target_group_cross_zone_check" },
  guard      = "elbv2_target_group_cross_zone_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:SC-36",
    "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-13(5)",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/target-group-cross-zone.html",
  fix        = "Leave load_balancing.cross_zone.enabled out of TargetGroupAttributes, or set it to true or use_load_balancer_configuration.",
  check = function(r, ctx)
    local p = r.properties
    local attrs = p.TargetGroupAttributes
    if attrs == nil then return end
    if not is_list(attrs) then
      return ctx.fail("TargetGroupAttributes is " .. tostring(attrs) .. ", not a list", p, "TargetGroupAttributes")
    end
    for i = 1, #attrs do
      local a = attrs[i]
      local k = get(a, "Key")
      if k ~= nil and eq_all(k, KEY) then
        local v = a.Value
        if v == nil then
          ctx.fail(KEY .. " has no Value", attrs, i)
        elseif not in_set(v, ALLOWED) then
          ctx.fail(KEY .. " is " .. tostring(v) .. ", not true or use_load_balancer_configuration", a, "Value")
        end
      end
    end
  end,
}
