-- CT.NEPTUNE.PR.2: a Neptune DB cluster cannot be deleted while deletion protection is on.
-- Guard semantics kept: DeletionProtection must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-neptune-pr-2", types = { "AWS::Neptune::DBCluster" },
  judge = function(ctx, p)
    local v = p.DeletionProtection
    if v == nil then
      return ctx.fail("DeletionProtection is not set, so the cluster can be deleted by mistake", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("DeletionProtection depends on a value Parapet cannot resolve", p, "DeletionProtection")
    end
    if not is_true(v) then
      return ctx.fail("DeletionProtection is " .. show(v) .. "; deletion protection needs the boolean true", p,
                      "DeletionProtection")
    end
  end,
})
