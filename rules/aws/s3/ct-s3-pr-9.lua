-- CT.S3.PR.9 (s3_bucket_object_lock_enabled_check): S3 buckets have Object Lock enabled.
local g = pp.lib("guard")
local all_true = g.is_true

return g.rule({ id = "ct-s3-pr-9", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
    local v = p.ObjectLockEnabled
    if v == nil then
      return ctx.fail("ObjectLockEnabled is missing", p)
    end
    if not all_true(v) then
      return ctx.fail("ObjectLockEnabled is " .. tostring(v) .. ", not true", p, "ObjectLockEnabled")
    end
  end,
})
