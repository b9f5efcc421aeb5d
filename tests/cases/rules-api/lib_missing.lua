-- Asks for a module that does not exist: an error naming it.
return { id = "t-lib-missing", title = "lib missing", severity = "low", types = {"Test::Lib"},
  check = function(r, ctx) return pp.lib("nope") end }
