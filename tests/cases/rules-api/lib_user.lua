-- Uses a shared module from this folder's lib/.
local greet = pp.lib("greet")
return { id = "t-lib", title = "lib", severity = "low", types = {"Test::Lib"},
  check = function(r, ctx) return false, greet.hello(r.logical_id) end }
