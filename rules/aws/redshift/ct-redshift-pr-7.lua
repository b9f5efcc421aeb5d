-- CT.REDSHIFT.PR.7: a Redshift cluster names its first database something other than the default.
-- Guard semantics kept: DBName must be a string with a non-blank character, other than
-- "dev" (compared exactly, so "DEV" passes); a list or an object fails.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local g = pp.lib("guard")
local show = g.show_shape
local type, tostring = type, tostring

local DEFAULT = "dev"

return g.rule({ id = "ct-redshift-pr-7", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.DBName
    if v == nil then
      return ctx.fail("DBName is not set, so the first database gets the default name \"dev\"", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("DBName depends on a value Parapet cannot resolve", p, "DBName")
    end
    if not nonblank(v) then
      return ctx.fail("DBName is " .. show(v) .. ", not a non-blank string", p, "DBName")
    end
    if v == DEFAULT then
      return ctx.fail("DBName is the default \"" .. DEFAULT .. "\"; pick a database name of your own", p,
                      "DBName")
    end
  end,
})
