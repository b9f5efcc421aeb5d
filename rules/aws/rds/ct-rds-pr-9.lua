-- CT.RDS.PR.9: Aurora DB clusters must copy tags to snapshots.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true
local is_list = pp.is_list

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in_list({ "aurora", "aurora-mysql", "aurora-postgresql" })

return {
  id       = "ct-rds-pr-9",
  severity = "low",
  types    = { "AWS::RDS::DBCluster" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.9", "rds_cluster_copy_tags_to_snapshots_enabled_check" },
  guard    = "rds_cluster_copy_tags_to_snapshots_enabled_check",
  frameworks = { "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CM-2(2)",
    "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:2.4" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_Tagging.html#USER_Tagging.CopyTagsCluster",
  title    = "Aurora DB clusters must copy tags to snapshots",
  fix      = "Set CopyTagsToSnapshot: true (a boolean) on the DB cluster.",
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
