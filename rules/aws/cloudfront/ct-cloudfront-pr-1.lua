-- CT.CLOUDFRONT.PR.1 (cloudfront_default_root_object_configured_check): CloudFront distributions set a default root object.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-cloudfront-pr-1", types = { "AWS::CloudFront::Distribution" },
  section = "DistributionConfig", props = {
    { key = "DefaultRootObject", missing = true, ok = g.nonblank, bad = ", not an object name" } } })
