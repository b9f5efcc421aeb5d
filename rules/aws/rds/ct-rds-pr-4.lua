-- CT.RDS.PR.4: Aurora DB clusters must enable IAM database authentication.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true
local is_list = pp.is_list

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in_list({ "aurora", "aurora-mysql", "aurora-postgresql" })

return {
  id       = "ct-rds-pr-4",
  severity = "medium",
  types    = { "AWS::RDS::DBCluster" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.4", "rds_cluster_iam_authentication_enabled_check" },
  guard    = "rds_cluster_iam_authentication_enabled_check",
  frameworks = { "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(15)", "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-6",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2",
    "PCI DSS version 3.2.1:8.7" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.IAMDBAuth.html",
  title    = "Aurora DB clusters must enable IAM database authentication",
  fix      = "Set EnableIAMDatabaseAuthentication: true (a boolean) on the DB cluster.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB cluster has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.EnableIAMDatabaseAuthentication
    if v == nil then
      return ctx.fail("EnableIAMDatabaseAuthentication is not set, so IAM database authentication is off", p)
    end
    if not is_true(v) then
      return ctx.fail("EnableIAMDatabaseAuthentication is " .. show(v) .. "; it must be the boolean true", p, "EnableIAMDatabaseAuthentication")
    end
  end,
}
