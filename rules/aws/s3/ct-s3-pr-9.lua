-- CT.S3.PR.9 (s3_bucket_object_lock_enabled_check): S3 buckets have Object Lock enabled.
local g = pp.lib("guard")
local all_true = g.is_true

return {
  id         = "ct-s3-pr-9",
  title      = "S3 buckets have Object Lock enabled",
  severity   = "medium",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.9", "s3_bucket_object_lock_enabled_check" },
  guard      = "s3_bucket_object_lock_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-6(2)",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-overview.html",
  fix        = "Set ObjectLockEnabled to true (a boolean) on the bucket.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.ObjectLockEnabled
    if v == nil then
      return ctx.fail("ObjectLockEnabled is missing", p)
    end
    if not all_true(v) then
      return ctx.fail("ObjectLockEnabled is " .. tostring(v) .. ", not true", p, "ObjectLockEnabled")
    end
  end,
}
