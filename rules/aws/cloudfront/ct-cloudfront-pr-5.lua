-- CT.CLOUDFRONT.PR.5 (cloudfront_access_logs_enabled_check): CloudFront distributions write access logs to S3.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local blank = g.blank
local nonblank = g.nonblank
local local_ref = g.local_ref

return {
  id         = "ct-cloudfront-pr-5",
  title      = "CloudFront distributions write access logs to S3",
  severity   = "medium",
  types      = { "AWS::CloudFront::Distribution" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDFRONT.PR.5", "cloudfront_access_logs_enabled_check" },
  guard      = "cloudfront_access_logs_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-6(9)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-3(8)",
    "NIST 800-53 Rev 5:SI-4(20)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html",
  fix        = "Add DistributionConfig.Logging with Bucket set to a bucket domain name or a reference to a bucket in this template.",
  check = function(r, ctx)
    local p = r.properties
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.fail("DistributionConfig is " .. tostring(dc) .. ", not a map", p, dc ~= nil and "DistributionConfig" or nil)
    end
    local lg = dc.Logging
    if lg == nil then
      return ctx.fail("DistributionConfig.Logging is missing, so access logging is off", dc)
    end
    if not is_struct(lg) then
      return ctx.fail("Logging is " .. tostring(lg) .. ", not a map", dc, "Logging")
    end
    local b = lg.Bucket
    if b == nil then
      return ctx.fail("Logging.Bucket is missing", lg)
    end
    if not nonblank(b) and not local_ref(ctx, b, "AWS::S3::Bucket") then
      return ctx.fail("Logging.Bucket is " .. tostring(b) .. ", neither a bucket nor a reference to a bucket in this template",
                      lg, "Bucket")
    end
  end,
}
