-- CT.CLOUDTRAIL.PR.4: a CloudTrail Lake event data store is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias declared in this template.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-cloudtrail-pr-4", types = { "AWS::CloudTrail::EventDataStore" }, props = { {
  key = "KmsKeyId", ok = g.kms_key, missing = "KmsKeyId is missing: the event data store uses an AWS owned key",
  bad = ", neither a key id nor a reference to a KMS key or alias in this template" } } })
