-- An Amazon MQ broker with PubliclyAccessible true gets endpoints reachable from the internet.
-- PubliclyAccessible is required by CloudFormation; absent reads as not public here (the
-- template is rejected anyway).
local must_not_be_true = pp.lib("exposure").must_not_be_true
local KEYS = { "PubliclyAccessible" }

return {
  id       = "mq-broker-not-public",
  title    = "Amazon MQ brokers are not publicly accessible",
  severity = "high",
  types    = { "AWS::AmazonMQ::Broker" },
  packs    = { "network" },
  fix      = "Set PubliclyAccessible to false and place the broker in private subnets.",
  docs     = "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html",
  check = function(r, ctx)
    return must_not_be_true(ctx, r.properties, KEYS, "the broker's endpoints are reachable from the internet")
  end,
}
