-- CT.S3.PR.1 (s3_bucket_level_public_access_prohibited_check): S3 buckets block public access at the bucket level.
return pp.lib("guard_s3").public_access_rule({ id = "ct-s3-pr-1", types = { "AWS::S3::Bucket" }, required = true })
