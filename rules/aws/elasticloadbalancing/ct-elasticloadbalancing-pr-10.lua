-- CT.ELASTICLOADBALANCING.PR.10 (elb_logging_enabled_check): Classic Load Balancers write access logs to S3.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local nonblank = g.nonblank
local local_ref = g.local_ref

return g.rule({ id = "ct-elasticloadbalancing-pr-10", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
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
})
