-- CT.CLOUDFRONT.PR.9 (cloudfront_security_policy_check): CloudFront distributions use a current TLS security policy for viewers.
local g, cf = pp.lib("guard"), pp.lib("guard_cloudfront")
local nonblank = g.nonblank
local OUTDATED = { SSLv3 = true, TLSv1 = true, TLSv1_2016 = true, ["TLSv1.1_2016"] = true }

return g.rule({ id = "ct-cloudfront-pr-9", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local vc = cf.viewer_certificate(ctx, p)
    if not vc then return false end
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
