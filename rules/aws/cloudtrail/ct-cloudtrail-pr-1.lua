-- CT.CLOUDTRAIL.PR.1: a CloudTrail trail encrypts its log files with a KMS key.
-- Guard semantics kept: KMSKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias declared in this template.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-cloudtrail-pr-1", types = { "AWS::CloudTrail::Trail" }, props = { {
  key = "KMSKeyId", ok = g.kms_key, missing = "KMSKeyId is missing: log files use S3-managed encryption only",
  bad = ", neither a key id nor a reference to a KMS key or alias in this template" } } })
