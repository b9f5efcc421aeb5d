-- CT.CLOUDTRAIL.PR.4: a CloudTrail Lake event data store is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias declared in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local key_ref = g.kms_key_ref
local type = type

return g.rule({ id = "ct-cloudtrail-pr-4", types = { "AWS::CloudTrail::EventDataStore" },
  judge = function(ctx, p)
    local k = p.KmsKeyId
    if k == nil then
      return ctx.fail("KmsKeyId is missing: the event data store uses an AWS owned key", p)
    end
    if not ((nonblank(k)) or key_ref(ctx, k)) then
      return ctx.fail("KmsKeyId is " .. show(k) .. ", neither a key id nor a reference to a "
                      .. "KMS key or alias in this template", p, "KmsKeyId")
    end
  end,
})
