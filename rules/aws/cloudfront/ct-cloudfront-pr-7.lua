-- CT.CLOUDFRONT.PR.7 (cloudfront_sni_enabled_check): CloudFront distributions with custom certificates serve HTTPS through SNI.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_false = g.is_false
local eq_all = g.eq_all
local nonblank = g.nonblank
local local_ref = g.local_ref
local is_view = pp.is_view

-- Guard's `v not in [...]` (set: a table keyed by the listed strings): a list passes when it
-- has items and none is in the set; a map is never in the set.
local function not_in_set(v, set)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if set[v[i]] then return false end
    end
    return n > 0 or tostring(v) ~= "[]"
  end
  return not set[v]
end

local SSLV3 = { SSLv3 = true }
-- Guard's check_custom_acm_certificate_provided / check_custom_iam_certificate_provided.
local function custom_certificate(ctx, vc)
  local acm, iam = vc.AcmCertificateArn, vc.IamCertificateId
  if acm ~= nil and (nonblank(acm) or local_ref(ctx, acm, "AWS::CertificateManager::Certificate")) then
    return true
  end
  return iam ~= nil and nonblank(iam)
end

return g.rule({ id = "ct-cloudfront-pr-7", types = { "AWS::CloudFront::Distribution" },
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
    if mpv == nil or not not_in_set(mpv, SSLV3) then
      ctx.fail("ViewerCertificate.MinimumProtocolVersion is " .. tostring(mpv) .. ", not TLSv1 or later",
               vc, mpv ~= nil and "MinimumProtocolVersion" or nil)
    end
    if ssm == nil or not eq_all(ssm, "sni-only") then
      ctx.fail("ViewerCertificate.SslSupportMethod is " .. tostring(ssm) .. ", not sni-only",
               vc, ssm ~= nil and "SslSupportMethod" or nil)
    end
  end,
})
