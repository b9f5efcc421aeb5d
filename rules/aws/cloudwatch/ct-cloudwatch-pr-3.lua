-- CT.CLOUDWATCH.PR.3: a log group is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key declared in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local local_ref = g.local_ref
local type, find = type, string.find

return {
  title      = "CloudWatch log groups are encrypted with a KMS key",
  id         = "ct-cloudwatch-pr-3",
  severity   = "medium",
  types      = { "AWS::Logs::LogGroup" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDWATCH.PR.3", "cloudwatch_log_group_encrypted_check" },
  guard      = "cloudwatch_log_group_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-12(2)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)",
    "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
  fix        = "Set KmsKeyId to the ARN of a KMS key (or a GetAtt of an AWS::KMS::Key in the "
            .. "template) whose policy lets CloudWatch Logs use it.",
  check = function(r, ctx)
    local p = r.properties
    local k = p.KmsKeyId
    if k == nil then
      return ctx.fail("KmsKeyId is missing: the log group uses default encryption only", p)
    end
    if not ((nonblank(k)) or local_ref(ctx, k, "AWS::KMS::Key")) then
      return ctx.fail("KmsKeyId is " .. show(k) .. ", neither a key ARN nor a reference to an "
                      .. "AWS::KMS::Key in this template", p, "KmsKeyId")
    end
  end,
}
