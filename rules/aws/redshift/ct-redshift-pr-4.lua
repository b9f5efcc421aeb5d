-- CT.REDSHIFT.PR.4: a Redshift cluster accepts automatic major version upgrades.
-- Guard semantics kept: AllowVersionUpgrade may be absent (the service default allows
-- upgrades); when present it must be the boolean true (the string "true" fails; a list passes
-- when every entry is the boolean true, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-redshift-pr-4", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.AllowVersionUpgrade
    if v == nil then return end
    if pp.is_unknown(v) then
      return ctx.unknown("AllowVersionUpgrade depends on a value Parapet cannot resolve", p,
                         "AllowVersionUpgrade")
    end
    if not is_true(v) then
      return ctx.fail("AllowVersionUpgrade is " .. show(v) .. "; the cluster would not receive "
                      .. "major version upgrades (allow them with the boolean true)", p,
                      "AllowVersionUpgrade")
    end
  end,
})
