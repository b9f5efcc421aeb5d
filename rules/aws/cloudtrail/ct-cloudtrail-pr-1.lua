-- CT.CLOUDTRAIL.PR.1: a CloudTrail trail encrypts its log files with a KMS key.
-- Guard semantics kept: KMSKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias declared in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local key_ref = g.kms_key_ref
local type = type

return g.rule({ id = "ct-cloudtrail-pr-1", types = { "AWS::CloudTrail::Trail" },
  judge = function(ctx, p)
    local k = p.KMSKeyId
    if k == nil then
      return ctx.fail("KMSKeyId is missing: log files use S3-managed encryption only", p)
    end
    if not ((nonblank(k)) or key_ref(ctx, k)) then
      return ctx.fail("KMSKeyId is " .. show(k) .. ", neither a key id nor a reference to a "
                      .. "KMS key or alias in this template", p, "KMSKeyId")
    end
  end,
})
