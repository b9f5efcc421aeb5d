-- CT.S3.PR.9 (s3_bucket_object_lock_enabled_check): S3 buckets have Object Lock enabled.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-s3-pr-9", types = { "AWS::S3::Bucket" }, props = { {
  key = "ObjectLockEnabled", missing = "ObjectLockEnabled is missing",
  ok = g.is_true, show = tostring, bad = ", not true" } } })
