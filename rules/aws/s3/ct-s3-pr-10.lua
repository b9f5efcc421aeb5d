-- CT.S3.PR.10 (s3_bucket_default_encryption_kms_check): S3 buckets encrypt by default with AWS KMS keys.
local g = pp.lib("guard")
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

return {
  id         = "ct-s3-pr-10",
  title      = "S3 buckets encrypt by default with AWS KMS keys",
  severity   = "medium",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.10", "s3_bucket_default_encryption_kms_check" },
  guard      = "s3_bucket_default_encryption_kms_check",
  frameworks = {
    "NIST 800-53 Rev 5:AU-9", "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-12(2)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:10.5", "PCI DSS version 3.2.1:10.5.2", "PCI DSS version 3.2.1:3.4",
    "PCI DSS version 3.2.1:3.5.3", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
  fix        = "In BucketEncryption.ServerSideEncryptionConfiguration, give every rule a ServerSideEncryptionByDefault with SSEAlgorithm aws:kms or aws:kms:dsse.",
  check = function(r, ctx)
    local p = r.properties
    local be = p.BucketEncryption
    if be == nil then
      return ctx.fail("BucketEncryption is missing", p)
    end
    if not is_struct(be) then
      return ctx.fail("BucketEncryption is " .. tostring(be) .. ", not a map", p, "BucketEncryption")
    end
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
}
