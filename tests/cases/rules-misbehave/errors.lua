-- Raises a Lua error: must become one ERROR finding.
return { id = "t-raises", title = "raises", severity = "high", types = {"AWS::SQS::Queue"},
  check = function(r, ctx) error("boom from the rule") end }
