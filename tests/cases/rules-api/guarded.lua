-- Always fails; answers to the Guard rule name TEST_GUARD_RULE for SuppressedRules.
return { id = "t-guarded", title = "guarded", severity = "high", types = {"Test::Guarded"},
  guard = "TEST_GUARD_RULE", packs = {"api"}, params = {limit = 3},
  check = function(r, ctx) return false, "limit is " .. tostring(ctx.params.limit) end }
