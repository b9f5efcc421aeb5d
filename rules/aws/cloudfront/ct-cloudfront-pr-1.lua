-- CT.CLOUDFRONT.PR.1 (cloudfront_default_root_object_configured_check): CloudFront distributions set a default root object.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local blank = g.blank
local nonblank = g.nonblank

return {
  id         = "ct-cloudfront-pr-1",
  title      = "CloudFront distributions set a default root object",
  severity   = "critical",
  types      = { "AWS::CloudFront::Distribution" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDFRONT.PR.1", "cloudfront_default_root_object_configured_check" },
  guard      = "cloudfront_default_root_object_configured_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(4)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4",
    "PCI DSS version 3.2.1:1.3.7", "PCI DSS version 3.2.1:4.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DefaultRootObject.html#DefaultRootObjectHowToDefine",
  fix        = "Set DistributionConfig.DefaultRootObject to the object served for the root URL (for example index.html).",
  check = function(r, ctx)
    local p = r.properties
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.fail("DistributionConfig is " .. tostring(dc) .. ", not a map", p, dc ~= nil and "DistributionConfig" or nil)
    end
    local v = dc.DefaultRootObject
    if v == nil then
      return ctx.fail("DistributionConfig.DefaultRootObject is missing", dc)
    end
    if not nonblank(v) then
      return ctx.fail("DistributionConfig.DefaultRootObject is " .. tostring(v) .. ", not an object name",
                      dc, "DefaultRootObject")
    end
  end,
}
