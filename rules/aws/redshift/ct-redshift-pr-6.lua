-- CT.REDSHIFT.PR.6: a Redshift cluster names its administrator something other than the default.
-- Guard semantics kept: MasterUsername must be a string with a non-blank character, other than
-- "awsuser" (compared exactly, so "AWSUSER" passes); a list or an object fails.
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local nonblank = pp.lib("guard").nonblank
local g = pp.lib("guard")
local show = g.show_shape
local type, tostring = type, tostring

local DEFAULT = "awsuser"

return g.rule({ id = "ct-redshift-pr-6", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.MasterUsername
    if v == nil then
      return ctx.fail("MasterUsername is not set; name the administrator explicitly", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("MasterUsername depends on a value Parapet cannot resolve", p, "MasterUsername")
    end
    if not nonblank(v) then
      return ctx.fail("MasterUsername is " .. show(v) .. ", not a non-blank string", p, "MasterUsername")
    end
    if v == DEFAULT then
      return ctx.fail("MasterUsername is the default \"" .. DEFAULT .. "\"; pick an administrator name that is harder to guess", p,
                      "MasterUsername")
    end
  end,
})
