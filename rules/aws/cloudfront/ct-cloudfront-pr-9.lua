-- CT.CLOUDFRONT.PR.9 (cloudfront_security_policy_check): CloudFront distributions use a current TLS security policy for viewers.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_false = g.is_false
local nonblank = g.nonblank

local OUTDATED = { SSLv3 = true, TLSv1 = true, TLSv1_2016 = true, ["TLSv1.1_2016"] = true }

return g.rule({ id = "ct-cloudfront-pr-9", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.fail("DistributionConfig is " .. tostring(dc) .. ", not a map", p, dc ~= nil and "DistributionConfig" or nil)
    end
    local vc = dc.ViewerCertificate
    if vc == nil then
      return ctx.fail("DistributionConfig.ViewerCertificate is missing, so the default CloudFront certificate is used", dc)
    end
    if not is_struct(vc) then
      return ctx.fail("ViewerCertificate is " .. tostring(vc) .. ", not a map", dc, "ViewerCertificate")
    end
    local def = vc.CloudFrontDefaultCertificate
    if def ~= nil and not all_false(def) then
      ctx.fail("ViewerCertificate.CloudFrontDefaultCertificate is " .. tostring(def) .. ", not false",
               vc, "CloudFrontDefaultCertificate")
    end
    local mpv = vc.MinimumProtocolVersion
    if mpv == nil or not nonblank(mpv) then
      ctx.fail("ViewerCertificate.MinimumProtocolVersion is " .. tostring(mpv) .. ", not a security policy",
               vc, mpv ~= nil and "MinimumProtocolVersion" or nil)
    elseif OUTDATED[mpv] then
      ctx.fail("ViewerCertificate.MinimumProtocolVersion is " .. mpv .. ", an outdated security policy",
               vc, "MinimumProtocolVersion")
    end
  end,
})
