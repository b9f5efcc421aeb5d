-- CT.S3.PR.6 (s3_lifecycle_policy_check): S3 buckets have an enabled lifecycle rule.
return pp.lib("guard_s3").lifecycle_rule({ id = "ct-s3-pr-6", missing = "LifecycleConfiguration is missing" })
