-- CT.CLOUDFRONT.PR.6 (cloudfront_custom_ssl_certificate_check): CloudFront distributions use a custom SSL/TLS certificate.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_false = g.is_false
local nonblank = g.nonblank
local local_ref = g.local_ref

-- Guard's check_custom_acm_certificate_provided / check_custom_iam_certificate_provided.
local function custom_certificate(ctx, vc)
  local acm, iam = vc.AcmCertificateArn, vc.IamCertificateId
  if acm ~= nil and (nonblank(acm) or local_ref(ctx, acm, "AWS::CertificateManager::Certificate")) then
    return true
  end
  return iam ~= nil and nonblank(iam)
end

return g.rule({ id = "ct-cloudfront-pr-6", types = { "AWS::CloudFront::Distribution" },
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
    if not custom_certificate(ctx, vc) then
      ctx.fail("ViewerCertificate names neither an ACM certificate (AcmCertificateArn) nor an IAM certificate (IamCertificateId)", vc)
    end
    local mpv, ssm = vc.MinimumProtocolVersion, vc.SslSupportMethod
    if mpv == nil or not nonblank(mpv) then
      ctx.fail("ViewerCertificate.MinimumProtocolVersion is " .. tostring(mpv) .. ", not a protocol version",
               vc, mpv ~= nil and "MinimumProtocolVersion" or nil)
    end
    if ssm == nil or not nonblank(ssm) then
      ctx.fail("ViewerCertificate.SslSupportMethod is " .. tostring(ssm) .. ", not a support method",
               vc, ssm ~= nil and "SslSupportMethod" or nil)
    end
  end,
})
