-- CT.ELASTICLOADBALANCING.PR.15 (elbv2_target_group_cross_zone_check): ELBv2 target groups do not turn off cross-zone load balancing.
local g = pp.lib("guard")
local is_list = g.is_list_read
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get

local ALLOWED = { [true] = true, ["true"] = true, use_load_balancer_configuration = true }
local KEY = "load_balancing.cross_zone.enabled"

return g.rule({ id = "ct-elasticloadbalancing-pr-15",
  types = { "AWS::ElasticLoadBalancingV2::TargetGroup" },
  judge = function(ctx, p)
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
})
