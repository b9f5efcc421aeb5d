-- CT.S3.PR.1 (s3_bucket_level_public_access_prohibited_check): S3 buckets block public access at the bucket level.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true

local SETTINGS = { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }

return {
  id         = "ct-s3-pr-1",
  title      = "S3 buckets block public access at the bucket level",
  severity   = "high",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.1", "s3_bucket_level_public_access_prohibited_check" },
  guard      = "s3_bucket_level_public_access_prohibited_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:2.1.3", "CIS AWS Benchmark 1.4:2.1.5", "NIST 800-53 Rev 5:AC-21",
    "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-4",
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6", "NIST 800-53 Rev 5:AU-9",
    "NIST 800-53 Rev 5:AU-9(2)", "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6", "NIST 800-53 Rev 5:CP-6(1)",
    "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:CP-9", "NIST 800-53 Rev 5:SC-12(2)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)",
    "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)",
    "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)", "NIST 800-53 Rev 5:SC-7(4)",
    "NIST 800-53 Rev 5:SC-7(9)", "NIST 800-53 Rev 5:SI-12", "NIST 800-53 Rev 5:SI-13(5)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4",
    "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:10.5", "PCI DSS version 3.2.1:10.5.2",
    "PCI DSS version 3.2.1:10.5.5", "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:2.2.2",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:3.5.3", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
  fix        = "Add PublicAccessBlockConfiguration with BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets all set to true.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.PublicAccessBlockConfiguration
    if c == nil then
      return ctx.fail("PublicAccessBlockConfiguration is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("PublicAccessBlockConfiguration is " .. tostring(c) .. ", not a map",
                      p, "PublicAccessBlockConfiguration")
    end
    for i = 1, #SETTINGS do
      local k = SETTINGS[i]
      local v = c[k]
      if v == nil then
        ctx.fail("PublicAccessBlockConfiguration." .. k .. " is missing", c)
      elseif not all_true(v) then
        ctx.fail("PublicAccessBlockConfiguration." .. k .. " is " .. tostring(v) .. ", not true", c, k)
      end
    end
  end,
}
