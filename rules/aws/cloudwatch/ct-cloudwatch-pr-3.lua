-- CT.CLOUDWATCH.PR.3: a log group is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key declared in this template.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-cloudwatch-pr-3", types = { "AWS::Logs::LogGroup" }, props = { {
  key = "KmsKeyId", ok = function(v, ctx) return g.nonblank(v) or g.local_ref(ctx, v, "AWS::KMS::Key") end,
  missing = "KmsKeyId is missing: the log group uses default encryption only",
  bad = ", neither a key ARN nor a reference to an AWS::KMS::Key in this template" } } })
