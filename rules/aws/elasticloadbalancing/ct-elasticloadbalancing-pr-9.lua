-- CT.ELASTICLOADBALANCING.PR.9 (elb_tls_https_listeners_only_check): Classic Load Balancers only have HTTPS or SSL listeners.
local g = pp.lib("guard")
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local SECURE = { HTTPS = true, SSL = true }

return {
  id         = "ct-elasticloadbalancing-pr-9",
  title      = "Classic Load Balancers only have HTTPS or SSL listeners",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.9", "elb_tls_https_listeners_only_check" },
  guard      = "elb_tls_https_listeners_only_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-https-load-balancers.html",
  fix        = "Set Protocol of every listener to HTTPS or SSL.",
  check = function(r, ctx)
    local p = r.properties
    local ls = p.Listeners
    if not is_view(ls) or #ls == 0 then
      if ls == nil then return ctx.fail("Listeners is missing", p) end
      return ctx.fail("Listeners is " .. tostring(ls) .. ", not a list of listeners", p, "Listeners")
    end
    for i = 1, #ls do
      local l = ls[i]
      local proto = get(l, "Protocol")
      if proto == nil then
        ctx.fail("listener " .. i .. " has no Protocol", ls, i)
      elseif not in_set(proto, SECURE) then
        ctx.fail("listener " .. i .. " uses " .. tostring(proto) .. ", not HTTPS or SSL", l, "Protocol")
      end
    end
  end,
}
