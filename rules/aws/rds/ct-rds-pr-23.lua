-- CT.RDS.PR.23: an RDS DB instance must not be publicly accessible.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show
local mtype = math.type

return {
  id       = "ct-rds-pr-23",
  severity = "critical",
  types    = { "AWS::RDS::DBInstance" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.23", "rds_instance_public_access_check" },
  guard    = "rds_instance_public_access_check",
  frameworks = { "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html",
  title    = "RDS DB instances must set PubliclyAccessible to false",
  fix      = "Add PubliclyAccessible: false (a boolean) to the DB instance.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set; it must be explicitly false", p)
    end
    if not is_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false",
                      p, "PubliclyAccessible")
    end
  end,
}
