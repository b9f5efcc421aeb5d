-- CT.RDS.PR.1: RDS DB instances of the listed engines must be Multi-AZ.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in({ "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" })

return {
  id       = "ct-rds-pr-1",
  severity = "medium",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.1", "rds_instance_multi_az_support_check" },
  guard    = "rds_instance_multi_az_support_check",
  frameworks = { "CIS AWS Benchmark 1.4:2.3.1", "NIST 800-53 Rev 5:AC-2(4)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-4(26)",
    "NIST 800-53 Rev 5:AC-6(9)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CM-2(2)", "NIST 800-53 Rev 5:CM-3",
    "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:CM-8(1)", "NIST 800-53 Rev 5:CP-10",
    "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-36", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(5)", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-13(5)", "NIST 800-53 Rev 5:SI-2", "NIST 800-53 Rev 5:SI-3(8)",
    "NIST 800-53 Rev 5:SI-4(20)", "NIST 800-53 Rev 5:SI-7(6)", "NIST 800-53 Rev 5:SI-7(8)",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1",
    "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
    "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2",
    "PCI DSS version 3.2.1:10.2.3", "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.5",
    "PCI DSS version 3.2.1:10.2.6", "PCI DSS version 3.2.1:10.2.7", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6", "PCI DSS version 3.2.1:11.5",
    "PCI DSS version 3.2.1:2.1", "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:2.2.2",
    "PCI DSS version 3.2.1:2.4", "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html",
  title    = "RDS DB instances must be deployed across several Availability Zones",
  fix      = "Set MultiAZ: true (a boolean) on the DB instance.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.MultiAZ
    if v == nil then
      return ctx.fail("MultiAZ is not set, so the instance runs in a single Availability Zone", p)
    end
    if not is_true(v) then
      return ctx.fail("MultiAZ is " .. show(v) .. "; it must be the boolean true", p, "MultiAZ")
    end
  end,
}
