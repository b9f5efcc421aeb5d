-- CT.CLOUDFRONT.PR.5 (cloudfront_access_logs_enabled_check): CloudFront distributions write access logs to S3.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local nonblank = g.nonblank
local local_ref = g.local_ref

return g.rule({ id = "ct-cloudfront-pr-5", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
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
})
