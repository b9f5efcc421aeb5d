-- CT.S3.PR.11 (s3_bucket_versioning_enabled_check): S3 buckets have versioning enabled.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all

return g.rule({ id = "ct-s3-pr-11", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
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
})
