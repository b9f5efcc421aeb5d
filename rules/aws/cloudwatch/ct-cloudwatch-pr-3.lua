-- CT.CLOUDWATCH.PR.3: a log group is encrypted with a KMS key.
-- Guard semantics kept: KmsKeyId must be a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key declared in this template.
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local local_ref = g.local_ref
local type = type

return g.rule({ id = "ct-cloudwatch-pr-3", types = { "AWS::Logs::LogGroup" },
  judge = function(ctx, p)
    local k = p.KmsKeyId
    if k == nil then
      return ctx.fail("KmsKeyId is missing: the log group uses default encryption only", p)
    end
    if not ((nonblank(k)) or local_ref(ctx, k, "AWS::KMS::Key")) then
      return ctx.fail("KmsKeyId is " .. show(k) .. ", neither a key ARN nor a reference to an "
                      .. "AWS::KMS::Key in this template", p, "KmsKeyId")
    end
  end,
})
