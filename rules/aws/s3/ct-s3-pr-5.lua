-- CT.S3.PR.5 (s3_bucket_acl_prohibited_check): S3 buckets do not use the legacy AccessControl (canned ACL) property.
local rule = pp.lib("guard").rule

return rule({ id = "ct-s3-pr-5", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
    local v = p.AccessControl
    if v ~= nil then
      return ctx.fail("AccessControl is set (" .. tostring(v) .. "); bucket ACLs should not be used", p, "AccessControl")
    end
  end,
})
