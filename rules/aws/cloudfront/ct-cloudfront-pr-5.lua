-- CT.CLOUDFRONT.PR.5 (cloudfront_access_logs_enabled_check): CloudFront distributions write access logs to S3.
local g = pp.lib("guard")
local check_props = g.check_props
local config_section = pp.lib("guard_cloudfront").config_section

local BUCKET = { { key = "Bucket", missing = true, ok = g.name_or_ref("AWS::S3::Bucket"), show = tostring,
  bad = ", neither a bucket nor a reference to a bucket in this template" } }

return g.rule({ id = "ct-cloudfront-pr-5", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local lg = config_section(ctx, p, "Logging", "DistributionConfig.Logging is missing, so access logging is off")
    if lg == nil then return false end
    return check_props(ctx, lg, BUCKET, "Logging.")
  end,
})
