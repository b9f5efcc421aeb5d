-- CT.ELASTICLOADBALANCING.PR.6 (elbv2_logging_enabled_check): Application and Network Load Balancers write access logs to S3.
local g = pp.lib("guard")
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get
local nonblank = g.nonblank
local local_ref = g.local_ref
local is_view = pp.is_view

local TRUE = { [true] = true, ["true"] = true }
local TYPES = { application = true, network = true }

return g.rule({ id = "ct-elasticloadbalancing-pr-6", types = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  judge = function(ctx, p)
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
})
