-- CT.CLOUDTRAIL.PR.1: a CloudTrail trail encrypts its log files with a KMS key.
-- Guard semantics kept: KMSKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias declared in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local is_key = g.is_kms_key
local key_ref = g.kms_key_ref
local type, find = type, string.find

return {
  title      = "CloudTrail trails encrypt log files with a KMS key",
  id         = "ct-cloudtrail-pr-1",
  severity   = "high",
  types      = { "AWS::CloudTrail::Trail" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDTRAIL.PR.1", "cloud_trail_encryption_enabled_check" },
  guard      = "cloud_trail_encryption_enabled_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:3.7", "NIST 800-53 Rev 5:AU-9",
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:10.5",
    "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html",
  fix        = "Set KMSKeyId to a KMS key ARN, alias, or a Ref/GetAtt of an AWS::KMS::Key or "
            .. "AWS::KMS::Alias in the template.",
  check = function(r, ctx)
    local p = r.properties
    local k = p.KMSKeyId
    if k == nil then
      return ctx.fail("KMSKeyId is missing: log files use S3-managed encryption only", p)
    end
    if not ((nonblank(k)) or key_ref(ctx, k)) then
      return ctx.fail("KMSKeyId is " .. show(k) .. ", neither a key id nor a reference to a "
                      .. "KMS key or alias in this template", p, "KMSKeyId")
    end
  end,
}
