-- CT.S3.PR.5 (s3_bucket_acl_prohibited_check): S3 buckets do not use the legacy AccessControl (canned ACL) property.
return {
  id         = "ct-s3-pr-5",
  title      = "S3 buckets do not use the legacy AccessControl (canned ACL) property",
  severity   = "medium",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.5", "s3_bucket_acl_prohibited_check" },
  guard      = "s3_bucket_acl_prohibited_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-6", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.2.3",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-iam-policies.html",
  fix        = "Remove AccessControl from the bucket and grant access with a bucket policy instead.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.AccessControl
    if v ~= nil then
      return ctx.fail("AccessControl is set (" .. tostring(v) .. "); bucket ACLs should not be used", p, "AccessControl")
    end
  end,
}
