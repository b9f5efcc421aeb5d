-- CT.ELASTICLOADBALANCING.PR.6 (elbv2_logging_enabled_check): Application and Network Load Balancers write access logs to S3.
local g = pp.lib("guard")
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get
local blank = g.blank
local nonblank = g.nonblank
local local_ref = g.local_ref
local is_view = pp.is_view

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
