-- CT.ELASTICLOADBALANCING.PR.3 (alb_desync_mode_check): Application Load Balancers use defensive or strictest desync mitigation.
local g = pp.lib("guard")
local is_list = g.is_list_read
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get

local MODES = { defensive = true, strictest = true }
local KEY = "routing.http.desync_mitigation_mode"

return {
  id         = "ct-elasticloadbalancing-pr-3",
  title      = "Application Load Balancers use defensive or strictest desync mitigation",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.3", "alb_desync_mode_check" },
  guard      = "alb_desync_mode_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1",
    "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:2.2.3",
    "PCI DSS version 3.2.1:6.6",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode",
  fix        = "Leave routing.http.desync_mitigation_mode out of LoadBalancerAttributes, or set it to defensive or strictest.",
  check = function(r, ctx)
    local p = r.properties
    if p.Type == nil or not eq_all(p.Type, "application") then
      return ctx.skip("not an Application Load Balancer")
    end
    local attrs = p.LoadBalancerAttributes
    if attrs == nil then return end
    if not is_list(attrs) then
      return ctx.fail("LoadBalancerAttributes is " .. tostring(attrs) .. ", not a list", p, "LoadBalancerAttributes")
    end
    for i = 1, #attrs do
      local a = attrs[i]
      local k = get(a, "Key")
      if k ~= nil and eq_all(k, KEY) then
        local v = a.Value
        if v == nil then
          ctx.fail(KEY .. " has no Value", attrs, i)
        elseif not in_set(v, MODES) then
          ctx.fail(KEY .. " is " .. tostring(v) .. ", not defensive or strictest", a, "Value")
        end
      end
    end
  end,
}
