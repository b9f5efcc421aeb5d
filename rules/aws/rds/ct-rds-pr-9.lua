-- CT.RDS.PR.9: Aurora DB clusters must copy tags to snapshots.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in_list({ "aurora", "aurora-mysql", "aurora-postgresql" })

return {
  id       = "ct-rds-pr-9",
  types    = { "AWS::RDS::DBCluster" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB cluster has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.CopyTagsToSnapshot
    if v == nil then
      return ctx.fail("CopyTagsToSnapshot is not set, so snapshots lose the cluster's tags", p)
    end
    if not is_true(v) then
      return ctx.fail("CopyTagsToSnapshot is " .. show(v) .. "; it must be the boolean true", p, "CopyTagsToSnapshot")
    end
  end,
}
