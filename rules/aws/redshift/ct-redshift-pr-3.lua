-- CT.REDSHIFT.PR.3: a Redshift cluster writes audit logs to S3.
-- Guard semantics kept: LoggingProperties must be an object whose BucketName is a string with
-- a non-blank character or a Ref/GetAtt of an AWS::S3::Bucket in this template (so logging to
-- CloudWatch Logs alone, without BucketName, fails as in Control Tower).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local type, format, tostring = type, string.format, tostring
local is_view, is_map, is_unknown = pp.is_view, pp.is_map, pp.is_unknown

local BUCKET_TYPE = "AWS::S3::Bucket"

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  if pp.is_list(v) then return "a list" end
  if is_map(v) then return "an object" end
  return tostring(v)
end

-- A Ref, or a GetAtt in its list form, of a resource of type rtype in this template.
local function local_ref(ctx, v, rtype)
  if not is_map(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_view(ga) and type(ga[1]) == "string" then
    local res = ctx.resource(ga[1])
    if res and res.type == rtype then return true end
  end
  local id = v.Ref
  if type(id) ~= "string" then return false end
  local res = ctx.resource(id)
  return res ~= nil and res.type == rtype
end

return {
  id         = "ct-redshift-pr-3",
  types      = { "AWS::Redshift::Cluster" },
  check = function(r, ctx)
    local p = r.properties
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
}
