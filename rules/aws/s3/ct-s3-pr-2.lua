-- CT.S3.PR.2 (s3_bucket_logging_enabled_check): S3 buckets have server access logging configured.
local g = pp.lib("guard")
local blank = g.blank
local is_struct = g.is_struct_read
local local_ref = g.local_ref

return {
  id         = "ct-s3-pr-2",
  title      = "S3 buckets have server access logging configured",
  severity   = "medium",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.2", "s3_bucket_logging_enabled_check" },
  guard      = "s3_bucket_logging_enabled_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:3.6", "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)",
    "NIST 800-53 Rev 5:AC-6(9)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4(20)", "NIST 800-53 Rev 5:SI-7(8)",
    "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.3",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6", "PCI DSS version 3.2.1:2.2",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
  fix        = "Add LoggingConfiguration, and if you name DestinationBucketName, give a bucket name or a Ref/GetAtt to a bucket in this template.",
  check = function(r, ctx)
    local p = r.properties
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
}
