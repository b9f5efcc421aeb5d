-- A well-behaved rule: must still run beside the misbehaving ones.
return { id = "t-good", title = "queues are named", severity = "low", types = {"AWS::SQS::Queue"},
  check = function(r, ctx)
    if not r.properties.QueueName then return ctx.fail("QueueName is missing", r.properties) end
  end }
