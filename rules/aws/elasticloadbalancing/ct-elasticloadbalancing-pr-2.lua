-- CT.ELASTICLOADBALANCING.PR.2 (elbv2_acm_certificate_required_check): ELBv2 HTTPS and TLS listeners use ACM certificates.
local g = pp.lib("guard")
local in_set = g.in_set
local is_view = pp.is_view

local SECURE = { HTTPS = true, TLS = true }

local acm_cert = pp.lib("guard_elb").acm_cert

return g.rule({ id = "ct-elasticloadbalancing-pr-2", types = { "AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::ListenerCertificate" },
  judge = function(ctx, p, r)
    local certs = p.Certificates
    if r.type == "AWS::ElasticLoadBalancingV2::Listener" then
      local proto = p.Protocol
      if proto == nil or not in_set(proto, SECURE) then
        return ctx.skip("not an HTTPS or TLS listener")
      end
      if not is_view(certs) or #certs == 0 then
        if certs == nil then return ctx.fail("the listener has no Certificates", p) end
        return ctx.fail("Certificates is " .. tostring(certs) .. ", not a list of certificates", p, "Certificates")
      end
    elseif not is_view(certs) or #certs == 0 then
      return ctx.skip("no Certificates list")
    end
    for i = 1, #certs do
      local c = certs[i]
      local arn
      if is_view(c) then arn = c.CertificateArn end
      if arn == nil then
        ctx.fail("certificate " .. i .. " has no CertificateArn", certs, i)
      elseif not acm_cert(ctx, arn) then
        ctx.fail("CertificateArn of certificate " .. i .. " is " .. tostring(arn) .. ", not an ACM certificate",
                 c, "CertificateArn")
      end
    end
  end,
})
