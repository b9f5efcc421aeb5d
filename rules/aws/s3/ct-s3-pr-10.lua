-- CT.S3.PR.10 (s3_bucket_default_encryption_kms_check): S3 buckets encrypt by default with AWS KMS keys.
local g = pp.lib("guard")
local struct_at = g.struct_at
local is_struct = g.is_struct_read
local is_view = pp.is_view

local KMS = { ["aws:kms"] = true, ["aws:kms:dsse"] = true }

-- Guard's `v in ["aws:kms", "aws:kms:dsse"]`: a list passes when every item is in it (an
-- empty list passes).
local function kms(v)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      local x = v[i]
      if type(x) ~= "string" or not KMS[x] then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return type(v) == "string" and KMS[v] == true
end

return g.rule({ id = "ct-s3-pr-10", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
    local be, verdict = struct_at(ctx, p, "BucketEncryption", "BucketEncryption is missing")
    if be == nil then return verdict end
    local rules = be.ServerSideEncryptionConfiguration
    if not is_view(rules) or #rules == 0 then
      return ctx.fail("BucketEncryption.ServerSideEncryptionConfiguration is " .. tostring(rules) ..
                      ", not a list of encryption rules", be, rules ~= nil and "ServerSideEncryptionConfiguration" or nil)
    end
    for i = 1, #rules do
      local rule = rules[i]
      local d
      if is_view(rule) then d = rule.ServerSideEncryptionByDefault end
      if not is_struct(d) then
        ctx.fail("encryption rule " .. i .. " has no ServerSideEncryptionByDefault map", rules, i)
      else
        local a = d.SSEAlgorithm
        if a == nil then
          ctx.fail("encryption rule " .. i .. " has no SSEAlgorithm", rule, "ServerSideEncryptionByDefault")
        elseif not kms(a) then
          ctx.fail("SSEAlgorithm of encryption rule " .. i .. " is " .. tostring(a) ..
                   ", not aws:kms or aws:kms:dsse", d, "SSEAlgorithm")
        end
      end
    end
  end,
})
