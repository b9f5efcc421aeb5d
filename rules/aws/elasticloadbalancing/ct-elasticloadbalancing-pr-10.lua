-- CT.ELASTICLOADBALANCING.PR.10 (elb_logging_enabled_check): Classic Load Balancers write access logs to S3.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's `v == true`: a list passes when every item is true (an empty list passes).
local function all_true(v)
  if is_view(v) then
    for i = 1, #v do
      if v[i] ~= true then return false end
    end
    return #v > 0 or tostring(v) == "[]"
  end
  return v == true
end

local UWS = { [0x85] = true, [0xA0] = true, [0x1680] = true, [0x2028] = true, [0x2029] = true,
              [0x202F] = true, [0x205F] = true, [0x3000] = true }

-- True when s is only whitespace (Guard's /\A\s*\z/, Unicode \s).
local function blank(s)
  if not s:find("[\128-\255]") then return s:find("^%s*$") ~= nil end
  for _, c in utf8.codes(s) do
    if not ((c >= 9 and c <= 13) or c == 32 or UWS[c] or (c >= 0x2000 and c <= 0x200A)) then
      return false
    end
  end
  return true
end

-- Guard's check_is_string_and_not_empty: a string that is not only whitespace.
local function nonblank(v)
  return type(v) == "string" and not blank(v)
end

-- Guard's check_local_references: a {Fn::GetAtt: [Id, …]} or {Ref: Id} naming a resource of
-- type rtype in this template.
local function local_ref(ctx, v, rtype)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_view(ga) and type(ga[1]) == "string" then
    local t = ctx.resource(ga[1])
    if t and t.type == rtype then return true end
  end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and t.type == rtype then return true end
  end
  return false
end

return {
  id         = "ct-elasticloadbalancing-pr-10",
  title      = "Classic Load Balancers write access logs to S3",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.10", "elb_logging_enabled_check" },
  guard      = "elb_logging_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html",
  fix        = "Add AccessLoggingPolicy with Enabled true and S3BucketName set to a bucket name or a Ref to a bucket in this template.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.AccessLoggingPolicy
    if c == nil then
      return ctx.fail("AccessLoggingPolicy is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("AccessLoggingPolicy is " .. tostring(c) .. ", not a map",
                      p, "AccessLoggingPolicy")
    end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("AccessLoggingPolicy.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("AccessLoggingPolicy.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
    local bucket = c.S3BucketName
    if bucket == nil then
      ctx.fail("AccessLoggingPolicy.S3BucketName is missing", c)
    elseif not nonblank(bucket) and not local_ref(ctx, bucket, "AWS::S3::Bucket") then
      ctx.fail("AccessLoggingPolicy.S3BucketName is " .. tostring(bucket) .. ", neither a bucket name nor a reference to a bucket in this template",
               c, "S3BucketName")
    end
  end,
}
