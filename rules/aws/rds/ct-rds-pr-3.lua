-- CT.RDS.PR.3: RDS DB clusters must have deletion protection.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

return {
  id       = "ct-rds-pr-3",
  severity = "low",
  types    = { "AWS::RDS::DBCluster" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.3", "rds_cluster_deletion_protection_enabled_check" },
  guard    = "rds_cluster_deletion_protection_enabled_check",
  frameworks = { "CIS AWS Benchmark 1.4:2.3.1", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CM-2(2)", "NIST 800-53 Rev 5:CM-3",
    "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:3.4",
    "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection",
  title    = "RDS DB clusters must enable deletion protection",
  fix      = "Set DeletionProtection: true (a boolean) on the DB cluster.",
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
