-- CT.CLOUDTRAIL.PR.4: a CloudTrail Lake event data store is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias declared in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local is_key = g.is_kms_key
local key_ref = g.kms_key_ref
local type, find = type, string.find

return {
  title      = "CloudTrail Lake event data stores are encrypted with a KMS key",
  id         = "ct-cloudtrail-pr-4",
  severity   = "low",
  types      = { "AWS::CloudTrail::EventDataStore" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDTRAIL.PR.4", "cloud_trail_event_datastore_encrypted_at_rest_kms_check" },
  guard      = "cloud_trail_event_datastore_encrypted_at_rest_kms_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:10.5",
    "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/query-event-data-store-cloudtrail.html",
  fix        = "Set KmsKeyId to a KMS key ARN, alias, or a Ref/GetAtt of an AWS::KMS::Key or "
            .. "AWS::KMS::Alias in the template.",
  check = function(r, ctx)
    local p = r.properties
    local k = p.KmsKeyId
    if k == nil then
      return ctx.fail("KmsKeyId is missing: the event data store uses an AWS owned key", p)
    end
    if not ((nonblank(k)) or key_ref(ctx, k)) then
      return ctx.fail("KmsKeyId is " .. show(k) .. ", neither a key id nor a reference to a "
                      .. "KMS key or alias in this template", p, "KmsKeyId")
    end
  end,
}
