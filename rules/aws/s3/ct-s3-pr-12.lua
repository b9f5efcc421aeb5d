-- CT.S3.PR.12 (s3_access_point_public_access_prohibited_check): S3 access points block public access when they configure it.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true

local SETTINGS = { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }

return {
  id         = "ct-s3-pr-12",
  title      = "S3 access points block public access when they configure it",
  severity   = "high",
  types      = { "AWS::S3::AccessPoint" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.12", "s3_access_point_public_access_prohibited_check" },
  guard      = "s3_access_point_public_access_prohibited_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:2.2.2",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-points-bpa-settings.html",
  fix        = "Leave PublicAccessBlockConfiguration out (all four settings then default to true), or set BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets to true.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.PublicAccessBlockConfiguration
    if c == nil then return end
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
