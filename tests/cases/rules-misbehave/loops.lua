-- Never returns: the instruction budget must stop it.
return { id = "t-loops", title = "loops", severity = "high", types = {"AWS::SQS::Queue"},
  check = function(r, ctx) while true do end end }
