-- CT.S3.PR.11 (s3_bucket_versioning_enabled_check): S3 buckets have versioning enabled.
local is_view = pp.is_view

local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's `v == x` for a string x: a list passes when every item equals x (an empty list passes).
local function eq_all(v, x)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if v[i] ~= x then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return v == x
end

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
