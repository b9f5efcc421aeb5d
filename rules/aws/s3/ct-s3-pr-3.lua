-- CT.S3.PR.3 (s3_version_lifecycle_policy_check): Versioned S3 buckets have an enabled lifecycle rule.
return pp.lib("guard_s3").lifecycle_rule({ id = "ct-s3-pr-3", versioned = true,
  missing = "the bucket is versioned but has no LifecycleConfiguration" })
