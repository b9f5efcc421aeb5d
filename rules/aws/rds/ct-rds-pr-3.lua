-- CT.RDS.PR.3: RDS DB clusters must have deletion protection.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

return {
  id       = "ct-rds-pr-3",
  types    = { "AWS::RDS::DBCluster" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB cluster has no Properties") end
    local v = p.DeletionProtection
    if v == nil then
      return ctx.fail("DeletionProtection is not set, so the cluster can be deleted", p)
    end
    if not is_true(v) then
      return ctx.fail("DeletionProtection is " .. show(v) .. "; it must be the boolean true", p, "DeletionProtection")
    end
  end,
}
