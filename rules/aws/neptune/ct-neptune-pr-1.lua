-- CT.NEPTUNE.PR.1: a Neptune DB cluster authenticates database users with IAM.
-- Guard semantics kept: IamAuthEnabled must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-neptune-pr-1", types = { "AWS::Neptune::DBCluster" },
  judge = function(ctx, p)
    local v = p.IamAuthEnabled
    if v == nil then
      return ctx.fail("IamAuthEnabled is not set, so IAM database authentication is off", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("IamAuthEnabled depends on a value Parapet cannot resolve", p, "IamAuthEnabled")
    end
    if not is_true(v) then
      return ctx.fail("IamAuthEnabled is " .. show(v) .. "; IAM database authentication needs the boolean true", p,
                      "IamAuthEnabled")
    end
  end,
})
