-- CT.S3.PR.11 (s3_bucket_versioning_enabled_check): S3 buckets have versioning enabled.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all

return {
  id         = "ct-s3-pr-11",
  title      = "S3 buckets have versioning enabled",
  severity   = "low",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.11", "s3_bucket_versioning_enabled_check" },
  guard      = "s3_bucket_versioning_enabled_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:2.1.3", "NIST 800-53 Rev 5:AU-9(2)", "NIST 800-53 Rev 5:CP-10",
    "NIST 800-53 Rev 5:CP-6", "NIST 800-53 Rev 5:CP-6(1)", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:CP-9", "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-12",
    "NIST 800-53 Rev 5:SI-13(5)", "PCI DSS version 3.2.1:10.5.5",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
  fix        = "Set VersioningConfiguration.Status to Enabled.",
  check = function(r, ctx)
    local p = r.properties
    local vc = p.VersioningConfiguration
    if vc == nil then
      return ctx.fail("VersioningConfiguration is missing", p)
    end
    if not is_struct(vc) then
      return ctx.fail("VersioningConfiguration is " .. tostring(vc) .. ", not a map", p, "VersioningConfiguration")
    end
    local s = vc.Status
    if s == nil then
      return ctx.fail("VersioningConfiguration.Status is missing", vc)
    end
    if not eq_all(s, "Enabled") then
      return ctx.fail("VersioningConfiguration.Status is " .. tostring(s) .. ", not Enabled", vc, "Status")
    end
  end,
}
