-- CT.KINESIS.PR.1: a Kinesis data stream is encrypted at rest.
-- Guard semantics kept: StreamEncryption must be an object whose EncryptionType is a string
-- with a non-blank character, and whose KeyId is such a string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias in this template. Lists and other references fail.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local type, tostring = type, tostring
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local kms_key = g.kms_key
local show = g.show_shape

return g.rule({ id = "ct-kinesis-pr-1", types = { "AWS::Kinesis::Stream" },
  judge = function(ctx, p)
    local se, verdict = g.map_at(ctx, p, "StreamEncryption",
      "StreamEncryption is not set, so the stream is not encrypted at rest", g.UNRESOLVED, show)
    if se == nil then return verdict end
    local et, key = se.EncryptionType, se.KeyId
    local unknown = false
    if et == nil then
      ctx.fail("StreamEncryption has no EncryptionType", se)
    elseif is_unknown(et) then
      unknown = true
    elseif not nonblank(et) then
      ctx.fail("EncryptionType is " .. show(et) .. ", not an encryption type such as \"KMS\"", se,
               "EncryptionType")
    end
    if key == nil then
      ctx.fail("StreamEncryption has no KeyId, so no KMS key encrypts the stream", se)
    elseif is_unknown(key) then
      unknown = true
    elseif not kms_key(key, ctx) then
      ctx.fail("KeyId is " .. show(key) .. ", neither a key identifier nor a reference to an "
               .. "AWS::KMS::Key or AWS::KMS::Alias in this template", se, "KeyId")
    end
    if unknown then
      return ctx.unknown("StreamEncryption depends on a value Parapet cannot resolve", p,
                         "StreamEncryption")
    end
  end,
})
