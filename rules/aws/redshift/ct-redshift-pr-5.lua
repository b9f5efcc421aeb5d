-- CT.REDSHIFT.PR.5: a Redshift cluster routes COPY and UNLOAD traffic through its VPC.
-- Guard semantics kept: EnhancedVpcRouting must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-redshift-pr-5", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.EnhancedVpcRouting
    if v == nil then
      return ctx.fail("EnhancedVpcRouting is not set, so COPY and UNLOAD traffic leaves the VPC", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("EnhancedVpcRouting depends on a value Parapet cannot resolve", p, "EnhancedVpcRouting")
    end
    if not is_true(v) then
      return ctx.fail("EnhancedVpcRouting is " .. show(v) .. "; enhanced VPC routing needs the boolean true", p,
                      "EnhancedVpcRouting")
    end
  end,
})
