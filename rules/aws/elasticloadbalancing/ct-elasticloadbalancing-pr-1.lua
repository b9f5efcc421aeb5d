-- CT.ELASTICLOADBALANCING.PR.1 (alb_http_to_https_redirection_check): HTTP listeners of Application Load Balancers redirect to HTTPS.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local is_view = pp.is_view

return {
  id         = "ct-elasticloadbalancing-pr-1",
  title      = "HTTP listeners of Application Load Balancers redirect to HTTPS",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancingV2::Listener" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.1", "alb_http_to_https_redirection_check" },
  guard      = "alb_http_to_https_redirection_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(26)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-36", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-13(5)",
    "NIST 800-53 Rev 5:SI-7(6)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6", "PCI DSS version 3.2.1:2.3",
    "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
  fix        = "Give the HTTP listener only redirect actions (Type redirect) whose RedirectConfig.Protocol is HTTPS.",
  check = function(r, ctx)
    local p = r.properties
    local proto = p.Protocol
    if proto == nil or not eq_all(proto, "HTTP") then
      return ctx.skip("not an HTTP listener")
    end
    local acts = p.DefaultActions
    if not is_view(acts) or #acts == 0 then
      if acts == nil then return ctx.fail("the HTTP listener has no DefaultActions", p) end
      return ctx.fail("DefaultActions is " .. tostring(acts) .. ", not a list of actions", p, "DefaultActions")
    end
    for i = 1, #acts do
      local a = acts[i]
      local t, rc
      if is_view(a) then t, rc = a.Type, a.RedirectConfig end
      if t == nil or not eq_all(t, "redirect") then
        ctx.fail("default action " .. i .. " of the HTTP listener is " .. tostring(t) .. ", not a redirect",
                 acts, i)
      elseif not is_struct(rc) then
        ctx.fail("default action " .. i .. " has no RedirectConfig map", a, rc ~= nil and "RedirectConfig" or nil)
      elseif rc.Protocol == nil or not eq_all(rc.Protocol, "HTTPS") then
        ctx.fail("default action " .. i .. " redirects to protocol " .. tostring(rc.Protocol) .. ", not HTTPS",
                 rc, rc.Protocol ~= nil and "Protocol" or nil)
      end
    end
  end,
}
