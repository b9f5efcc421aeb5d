-- CT.RDS.PR.2: RDS DB instances must turn on enhanced monitoring with a monitoring role.
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local local_ref = g.check_local_references
local is_list = pp.is_list

local ENGINE_LIST = { "aurora", "aurora-mysql", "aurora-postgresql", "mariadb", "mysql", "oracle-ee",
  "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex",
  "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

local INTERVALS = { [1] = true, [5] = true, [10] = true, [15] = true, [30] = true, [60] = true }
local function interval1(x) return math.type(x) == "integer" and INTERVALS[x] == true end

-- Guard `MonitoringInterval in [1, 5, 10, 15, 30, 60]`: integers only; a list passes when every
-- element is one of them
local function interval_ok(v)
  if is_list(v) then
    for i = 1, #v do if not interval1(v[i]) then return false end end
    return true
  end
  return interval1(v)
end

return {
  id       = "ct-rds-pr-2",
  severity = "low",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.2", "rds_instance_enhanced_monitoring_enabled_check" },
  guard    = "rds_instance_enhanced_monitoring_enabled_check",
  frameworks = { "CIS AWS Benchmark 1.4:2.3.1", "NIST 800-53 Rev 5:AC-17(2)",
    "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)",
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-6", "NIST 800-53 Rev 5:AC-6(9)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:IA-5(1)", "NIST 800-53 Rev 5:SC-12(3)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23", "NIST 800-53 Rev 5:SC-23(3)",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7",
    "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(5)", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)",
    "NIST 800-53 Rev 5:SI-2", "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4(20)",
    "NIST 800-53 Rev 5:SI-7(6)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2", "PCI DSS version 3.2.1:10.2.3",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.2.6",
    "PCI DSS version 3.2.1:10.2.7", "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6", "PCI DSS version 3.2.1:2.1", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:2.2.2", "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:3.4",
    "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.html",
  title    = "RDS DB instances must enable enhanced monitoring",
  fix      = "Set MonitoringInterval to 1, 5, 10, 15, 30 or 60 and MonitoringRoleArn to the ARN of a monitoring role.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local ok = true
    local iv = p.MonitoringInterval
    if iv == nil then
      ok = ctx.fail("MonitoringInterval is not set, so enhanced monitoring is off", p)
    elseif not interval_ok(iv) then
      ok = ctx.fail("MonitoringInterval is " .. show(iv) .. "; it must be the number 1, 5, 10, 15, 30 or 60",
                    p, "MonitoringInterval")
    end
    local role = p.MonitoringRoleArn
    if role == nil then
      ok = ctx.fail("MonitoringRoleArn is not set; enhanced monitoring needs a role", p)
    elseif not ((type(role) == "string" and not blank(role)) or local_ref(role, ctx, "AWS::IAM::Role")) then
      ok = ctx.fail("MonitoringRoleArn is " .. show(role) ..
                    ", neither a role ARN nor a reference to an AWS::IAM::Role in this template", p, "MonitoringRoleArn")
    end
    return ok
  end,
}
