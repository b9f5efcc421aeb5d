-- Keeps a view from one evaluation and uses it in the next: refused, not a dangling read.
local kept
return { id = "t-stale", title = "stale", severity = "low", types = {"AWS::SQS::Queue"},
  check = function(r, ctx)
    if kept then local _ = kept.QueueName end
    kept = r.properties
  end }
