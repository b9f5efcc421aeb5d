-- CT.S3.PR.2 (s3_bucket_logging_enabled_check): S3 buckets have server access logging configured.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-s3-pr-2", types = { "AWS::S3::Bucket" }, section = "LoggingConfiguration",
  missing = "LoggingConfiguration is missing, so server access logging is off", props = {
    { key = "DestinationBucketName", ok = g.name_or_ref("AWS::S3::Bucket"),
      bad = ", neither a bucket name nor a reference to a bucket in this template" } } })
