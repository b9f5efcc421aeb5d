-- CT.SQS.PR.2: an SQS queue is encrypted at rest.
-- Guard semantics kept: passes either with SqsManagedSseEnabled the boolean true and no
-- KmsMasterKeyId, or with KmsMasterKeyId a non-blank string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias in this template and SqsManagedSseEnabled absent or the
-- boolean false (lists compare entry by entry, so an empty list passes either test).
local type, find, format, tostring, ipairs = type, string.find, string.format, tostring, ipairs
local is_view = pp.is_view

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  return tostring(v)
end

local function all_eq(v, x)
  if is_view(v) and (#v > 0 or tostring(v) == "[]") then
    for _, e in ipairs(v) do
      if e ~= x then return false end
    end
    return true
  end
  return v == x
end

local function is_key(res)
  return res ~= nil and (res.type == "AWS::KMS::Key" or res.type == "AWS::KMS::Alias")
end

local function key_ref(ctx, v)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if ga ~= nil and is_view(ga) and type(ga[1]) == "string" and is_key(ctx.resource(ga[1])) then
    return true
  end
  local id = v.Ref
  return type(id) == "string" and is_key(ctx.resource(id))
end

return {
  title      = "SQS queues are encrypted at rest",
  id         = "ct-sqs-pr-2",
  severity   = "medium",
  types      = { "AWS::SQS::Queue" },
  packs      = { "control-tower" },
  controls   = { "CT.SQS.PR.2", "sqs_queue_encrypted_check" },
  guard      = "sqs_queue_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:3.4"
  },
  docs       = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
  fix        = "Set SqsManagedSseEnabled to true, or set KmsMasterKeyId to a KMS key or alias "
            .. "(and leave SqsManagedSseEnabled out or false).",
  check = function(r, ctx)
    local p = r.properties
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
    if not ((type(kms) == "string" and find(kms, "%S")) or key_ref(ctx, kms)) then
      return ctx.fail("KmsMasterKeyId is " .. show(kms) .. ", neither a key id nor a reference "
                      .. "to a KMS key or alias in this template", p, "KmsMasterKeyId")
    end
    if sse ~= nil and not all_eq(sse, false) then
      return ctx.fail("SqsManagedSseEnabled is " .. show(sse) .. " alongside KmsMasterKeyId: "
                      .. "use one encryption mode", p, "SqsManagedSseEnabled")
    end
  end,
}
