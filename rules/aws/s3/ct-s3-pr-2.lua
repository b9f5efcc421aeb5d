-- CT.S3.PR.2 (s3_bucket_logging_enabled_check): S3 buckets have server access logging configured.
local g = pp.lib("guard")
local blank = g.blank
local is_struct = g.is_struct_read
local local_ref = g.local_ref

return g.rule({ id = "ct-s3-pr-2", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
    local lc = p.LoggingConfiguration
    if lc == nil then
      return ctx.fail("LoggingConfiguration is missing, so server access logging is off", p)
    end
    if not is_struct(lc) then
      return ctx.fail("LoggingConfiguration is " .. tostring(lc) .. ", not a map", p, "LoggingConfiguration")
    end
    local d = lc.DestinationBucketName
    if d == nil then return end
    if type(d) == "string" and not blank(d) then return end
    if local_ref(ctx, d, "AWS::S3::Bucket") then return end
    return ctx.fail("LoggingConfiguration.DestinationBucketName is " .. tostring(d) ..
                    ", neither a bucket name nor a reference to a bucket in this template",
                    lc, "DestinationBucketName")
  end,
})
