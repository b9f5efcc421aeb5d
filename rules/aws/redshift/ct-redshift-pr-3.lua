-- CT.REDSHIFT.PR.3: a Redshift cluster writes audit logs to S3.
-- Guard semantics kept: LoggingProperties must be an object whose BucketName is a string with
-- a non-blank character or a Ref/GetAtt of an AWS::S3::Bucket in this template (so logging to
-- CloudWatch Logs alone, without BucketName, fails as in Control Tower).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local g = pp.lib("guard")
local show = pp.lib("exposure").describe

local BUCKET = { { key = "BucketName", unknown = true, show = show,
  missing = "LoggingProperties has no BucketName, so audit logs are not written to S3",
  ok = g.name_or_ref("AWS::S3::Bucket"),
  bad = ", neither a bucket name nor a reference to an AWS::S3::Bucket in this template" } }

return g.rule({ id = "ct-redshift-pr-3", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local lp, verdict = g.map_at(ctx, p, "LoggingProperties",
      "LoggingProperties is not set, so the cluster keeps no audit log", g.UNRESOLVED, show)
    if lp == nil then return verdict end
    return g.check_props(ctx, lp, BUCKET)
  end,
})
