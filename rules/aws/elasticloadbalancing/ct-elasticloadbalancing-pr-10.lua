-- CT.ELASTICLOADBALANCING.PR.10 (elb_logging_enabled_check): Classic Load Balancers write access logs to S3.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local blank = g.blank
local nonblank = g.nonblank
local local_ref = g.local_ref

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
