-- CT.ELASTICLOADBALANCING.PR.6 (elbv2_logging_enabled_check): Application and Network Load Balancers write access logs to S3.
local is_view = pp.is_view

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

-- Guard's `v in [...]` for scalar choices (set: a table keyed by the allowed strings and
-- booleans): a list passes when every item is in the set (an empty list passes).
local function in_set(v, set)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if not set[v[i]] then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return set[v] == true
end

local function get(v, k)
  if is_view(v) then return v[k] end
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

local TRUE = { [true] = true, ["true"] = true }
local TYPES = { application = true, network = true }

return {
  id         = "ct-elasticloadbalancing-pr-6",
  title      = "Application and Network Load Balancers write access logs to S3",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.6", "elbv2_logging_enabled_check" },
  guard      = "elbv2_logging_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html",
  fix        = "Add the LoadBalancerAttributes entries access_logs.s3.enabled (Value true) and access_logs.s3.bucket (a bucket name or a Ref to a bucket in this template).",
  check = function(r, ctx)
    local p = r.properties
    if p.Type == nil or not in_set(p.Type, TYPES) then
      return ctx.skip("not an Application or Network Load Balancer")
    end
    local attrs = p.LoadBalancerAttributes
    if not is_view(attrs) or #attrs == 0 then
      if attrs == nil then return ctx.fail("LoadBalancerAttributes is missing, so access logging is off", p) end
      return ctx.fail("LoadBalancerAttributes is " .. tostring(attrs) .. ", not a list of attributes",
                      p, "LoadBalancerAttributes")
    end
    local enabled, bucket = false, false
    for i = 1, #attrs do
      local a = attrs[i]
      local k, v = get(a, "Key"), get(a, "Value")
      if k ~= nil and v ~= nil then
        -- a Key list compares item by item: an empty one equals both keys
        if not enabled and eq_all(k, "access_logs.s3.enabled") and in_set(v, TRUE) then
          enabled = true
        end
        if not bucket and eq_all(k, "access_logs.s3.bucket") and
           (nonblank(v) or local_ref(ctx, v, "AWS::S3::Bucket")) then
          bucket = true
        end
      end
    end
    if not enabled then
      ctx.fail("LoadBalancerAttributes has no access_logs.s3.enabled entry with Value true", p, "LoadBalancerAttributes")
    end
    if not bucket then
      ctx.fail("LoadBalancerAttributes has no access_logs.s3.bucket entry naming a bucket", p, "LoadBalancerAttributes")
    end
  end,
}
