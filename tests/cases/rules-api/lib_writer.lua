-- Tries to change a shared module: refused, so no rule can alter another's helpers.
return { id = "t-lib-write", title = "lib write", severity = "low", types = {"Test::Lib"},
  check = function(r, ctx) local g = pp.lib("greet"); g.hello = nil end }
