-- CT.ELASTICLOADBALANCING.PR.8 (elb_acm_certificate_required_check): Classic Load Balancer HTTPS and SSL listeners use ACM certificates.
local g = pp.lib("guard")
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local SECURE = { HTTPS = true, SSL = true }

local acm_cert = pp.lib("guard_elb").acm_cert

return g.rule({ id = "ct-elasticloadbalancing-pr-8", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
    local ls = p.Listeners
    if not is_view(ls) or #ls == 0 then
      return ctx.skip("no Listeners list")
    end
    local secure = 0
    for i = 1, #ls do
      local l = ls[i]
      local proto = get(l, "Protocol")
      if proto ~= nil and in_set(proto, SECURE) then
        secure = secure + 1
        local id = l.SSLCertificateId
        if id == nil then
          ctx.fail("listener " .. i .. " (" .. tostring(proto) .. ") has no SSLCertificateId", ls, i)
        elseif not acm_cert(ctx, id) then
          ctx.fail("SSLCertificateId of listener " .. i .. " is " .. tostring(id) .. ", not an ACM certificate",
                   l, "SSLCertificateId")
        end
      end
    end
    if secure == 0 then
      return ctx.skip("no HTTPS or SSL listener")
    end
  end,
})
