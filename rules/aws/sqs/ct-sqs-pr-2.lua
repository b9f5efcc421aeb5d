-- CT.SQS.PR.2: an SQS queue is encrypted at rest.
-- Guard semantics kept: passes either with SqsManagedSseEnabled the boolean true and no
-- KmsMasterKeyId, or with KmsMasterKeyId a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias in this template and SqsManagedSseEnabled absent or the
-- boolean false (lists compare entry by entry, so an empty list passes either test).
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local all_eq = g.eq_ipairs
local key_ref = g.kms_key_ref
local type = type

return g.rule({ id = "ct-sqs-pr-2", types = { "AWS::SQS::Queue" },
  judge = function(ctx, p)
    local sse, kms = p.SqsManagedSseEnabled, p.KmsMasterKeyId
    if kms == nil then
      if sse == nil then
        return ctx.fail("neither KmsMasterKeyId nor SqsManagedSseEnabled is set", p)
      end
      if not all_eq(sse, true) then
        return ctx.fail("SqsManagedSseEnabled is " .. show(sse) .. " and no KmsMasterKeyId is "
                        .. "set: the queue is not encrypted", p, "SqsManagedSseEnabled")
      end
      return
    end
    if not ((nonblank(kms)) or key_ref(ctx, kms)) then
      return ctx.fail("KmsMasterKeyId is " .. show(kms) .. ", neither a key id nor a reference "
                      .. "to a KMS key or alias in this template", p, "KmsMasterKeyId")
    end
    if sse ~= nil and not all_eq(sse, false) then
      return ctx.fail("SqsManagedSseEnabled is " .. show(sse) .. " alongside KmsMasterKeyId: "
                      .. "use one encryption mode", p, "SqsManagedSseEnabled")
    end
  end,
})
