-- CT.S3.PR.11 (s3_bucket_versioning_enabled_check): S3 buckets have versioning enabled.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-s3-pr-11", types = { "AWS::S3::Bucket" },
  section = "VersioningConfiguration", missing = "VersioningConfiguration is missing", props = {
    { key = "Status", missing = true, ok = function(v) return g.eq_all(v, "Enabled") end, bad = ", not Enabled" } } })
