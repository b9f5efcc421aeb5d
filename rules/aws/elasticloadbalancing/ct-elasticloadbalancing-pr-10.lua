-- CT.ELASTICLOADBALANCING.PR.10 (elb_logging_enabled_check): Classic Load Balancers write access logs to S3.
local g = pp.lib("guard")
return g.section_rule({ id = "ct-elasticloadbalancing-pr-10", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  section = "AccessLoggingPolicy", missing = "AccessLoggingPolicy is missing", props = {
    { key = "Enabled", missing = true, ok = g.is_true, bad = ", not true" },
    { key = "S3BucketName", missing = true, ok = g.name_or_ref("AWS::S3::Bucket"),
      bad = ", neither a bucket name nor a reference to a bucket in this template" } } })
