-- CT.REDSHIFT.PR.8: a Redshift cluster encrypts its data at rest.
-- Guard semantics kept: Encrypted must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-redshift-pr-8", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.Encrypted
    if v == nil then
      return ctx.fail("Encrypted is not set, so the cluster is not encrypted at rest", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("Encrypted depends on a value Parapet cannot resolve", p, "Encrypted")
    end
    if not is_true(v) then
      return ctx.fail("Encrypted is " .. show(v) .. "; encryption at rest needs the boolean true", p,
                      "Encrypted")
    end
  end,
})
