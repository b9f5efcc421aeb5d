-- CT.REDSHIFT.PR.3: a Redshift cluster writes audit logs to S3.
-- Guard semantics kept: LoggingProperties must be an object whose BucketName is a string with
-- a non-blank character or a Ref/GetAtt of an AWS::S3::Bucket in this template (so logging to
-- CloudWatch Logs alone, without BucketName, fails as in Control Tower).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local type, tostring = type, tostring
local is_map, is_unknown = pp.is_map, pp.is_unknown

local BUCKET_TYPE = "AWS::S3::Bucket"

local show = pp.lib("exposure").describe

-- A Ref, or a GetAtt in its list form, of a resource of type rtype in this template.
local local_ref = pp.lib("guard").local_ref
local rule = pp.lib("guard").rule

return rule({ id = "ct-redshift-pr-3", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local lp = p.LoggingProperties
    if lp == nil then
      return ctx.fail("LoggingProperties is not set, so the cluster keeps no audit log", p)
    end
    if is_unknown(lp) then
      return ctx.unknown("LoggingProperties depends on a value Parapet cannot resolve", p,
                         "LoggingProperties")
    end
    if not is_map(lp) then
      return ctx.fail("LoggingProperties is " .. show(lp) .. ", not an object", p,
                      "LoggingProperties")
    end
    local b = lp.BucketName
    if b == nil then
      return ctx.fail("LoggingProperties has no BucketName, so audit logs are not written to S3",
                      lp)
    end
    if is_unknown(b) then
      return ctx.unknown("BucketName depends on a value Parapet cannot resolve", lp, "BucketName")
    end
    if nonblank(b) then return end
    if local_ref(ctx, b, BUCKET_TYPE) then return end
    return ctx.fail("BucketName is " .. show(b) .. ", neither a bucket name nor a reference to an "
                    .. BUCKET_TYPE .. " in this template", lp, "BucketName")
  end,
})
