-- CT.RDS.PR.29: Multi-AZ RDS DB clusters (MySQL, PostgreSQL) must not be publicly accessible.
local g = pp.lib("guard")
local show = g.show
local is_false = g.is_false
local is_list = pp.is_list

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in_list({ "mysql", "postgres" })

return {
  id       = "ct-rds-pr-29",
  severity = "critical",
  types    = { "AWS::RDS::DBCluster" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.29", "rds_cluster_public_access_check" },
  guard    = "rds_cluster_public_access_check",
  frameworks = { "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Procedural.UploadtoCloudWatch.html",
  title    = "Multi-AZ RDS DB clusters must set PubliclyAccessible to false",
  fix      = "Set PubliclyAccessible: false (a boolean) on the DB cluster.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB cluster has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set; it must be explicitly false", p)
    end
    if not is_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false", p, "PubliclyAccessible")
    end
  end,
}
