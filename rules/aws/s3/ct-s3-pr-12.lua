-- CT.S3.PR.12 (s3_access_point_public_access_prohibited_check): S3 access points block public access when they configure it.
return pp.lib("guard_s3").public_access_rule({ id = "ct-s3-pr-12", types = { "AWS::S3::AccessPoint" } })
