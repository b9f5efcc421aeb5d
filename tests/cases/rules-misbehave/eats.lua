-- Exhausts memory in one step (40 MiB against a 32 MiB budget): the memory budget must stop
-- it, whatever the machine's speed. (Gradual growth is covered by tests/unit/test_sandbox.c.)
return { id = "t-eats-memory", title = "eats", severity = "high", types = {"AWS::SQS::Queue"},
  check = function(r, ctx) local s = string.rep("x", 40 * 1024 * 1024) return #s > 0 end }
