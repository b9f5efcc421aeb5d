-- An Amazon MQ broker with PubliclyAccessible true gets endpoints reachable from the internet.
-- PubliclyAccessible is required by CloudFormation; absent reads as not public here (the
-- template is rejected anyway).
return pp.lib("exposure").public_flag_rule({
  id = "mq-broker-not-public", types = { "AWS::AmazonMQ::Broker" },
  exposed = "the broker's endpoints are reachable from the internet",
})
