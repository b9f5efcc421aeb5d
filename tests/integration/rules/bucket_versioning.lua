-- Fixture rule for the hook integration tests (not a built-in rule).
return {
  id       = "test-s3-versioning",
  title    = "S3 buckets keep versions",
  severity = "medium",
  types    = { "AWS::S3::Bucket" },
  packs    = { "hooktest" },
  fix      = "Set VersioningConfiguration.Status to Enabled.",
  check = function(r, ctx)
    local v = r.properties.VersioningConfiguration
    if not v or pp.str(v.Status) ~= "Enabled" then
      return ctx.fail("versioning is not enabled", r.properties, "VersioningConfiguration")
    end
  end,
}
