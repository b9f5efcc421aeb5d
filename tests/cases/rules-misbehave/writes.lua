-- Writing to the read-only properties view raises.
return { id = "t-writes", title = "writes", severity = "high", types = {"AWS::SQS::Queue"},
  check = function(r, ctx) r.properties.QueueName = "x" end }
