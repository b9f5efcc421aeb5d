-- CT.KINESIS.PR.1: a Kinesis data stream is encrypted at rest.
-- Guard semantics kept: StreamEncryption must be an object whose EncryptionType is a string
-- with a non-blank character, and whose KeyId is such a string or a Ref/GetAtt of an
-- AWS::KMS::Key or AWS::KMS::Alias in this template. Lists and other references fail.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local type, tostring = type, tostring
local is_view, is_map, is_unknown = pp.is_view, pp.is_map, pp.is_unknown
local g = pp.lib("guard")
local show = g.show_shape

local function is_key(res)
  return res ~= nil and (res.type == "AWS::KMS::Key" or res.type == "AWS::KMS::Alias")
end

-- A Ref, or a GetAtt in its list form, of a KMS key or alias in this template.
local function key_ref(ctx, v)
  if not is_map(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_view(ga) and type(ga[1]) == "string" and is_key(ctx.resource(ga[1])) then
    return true
  end
  local id = v.Ref
  return type(id) == "string" and is_key(ctx.resource(id))
end

return g.rule({ id = "ct-kinesis-pr-1", types = { "AWS::Kinesis::Stream" },
  judge = function(ctx, p)
    local se = p.StreamEncryption
    if se == nil then
      return ctx.fail("StreamEncryption is not set, so the stream is not encrypted at rest", p)
    end
    if is_unknown(se) then
      return ctx.unknown("StreamEncryption depends on a value Parapet cannot resolve", p,
                         "StreamEncryption")
    end
    if not is_map(se) then
      return ctx.fail("StreamEncryption is " .. show(se) .. ", not an object", p,
                      "StreamEncryption")
    end
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
    elseif not (nonblank(key) or key_ref(ctx, key)) then
      ctx.fail("KeyId is " .. show(key) .. ", neither a key identifier nor a reference to an "
               .. "AWS::KMS::Key or AWS::KMS::Alias in this template", se, "KeyId")
    end
    if unknown then
      return ctx.unknown("StreamEncryption depends on a value Parapet cannot resolve", p,
                         "StreamEncryption")
    end
  end,
})
