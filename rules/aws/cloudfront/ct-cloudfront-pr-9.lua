-- CT.CLOUDFRONT.PR.9 (cloudfront_security_policy_check): CloudFront distributions use a current TLS security policy for viewers.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_false = g.is_false
local blank = g.blank
local nonblank = g.nonblank

local OUTDATED = { SSLv3 = true, TLSv1 = true, TLSv1_2016 = true, ["TLSv1.1_2016"] = true }

return {
  id         = "ct-cloudfront-pr-9",
  title      = "CloudFront distributions use a current TLS security policy for viewers",
  severity   = "medium",
  types      = { "AWS::CloudFront::Distribution" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDFRONT.PR.9", "cloudfront_security_policy_check" },
  guard      = "cloudfront_security_policy_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:4.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-viewers-to-cloudfront.html",
  fix        = "In ViewerCertificate drop CloudFrontDefaultCertificate (or set it to false) and set MinimumProtocolVersion to TLSv1.2_2021 or another policy newer than TLSv1.1_2016.",
  check = function(r, ctx)
    local p = r.properties
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
}
