-- Exhausts memory: the memory budget must stop it.
return { id = "t-eats-memory", title = "eats", severity = "high", types = {"AWS::SQS::Queue"},
  check = function(r, ctx) local t = {} for i = 1, 1e9 do t[i] = string.rep("x", 64) .. i end end }
