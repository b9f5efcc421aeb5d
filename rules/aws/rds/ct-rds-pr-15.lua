-- CT.RDS.PR.15: no RDS DB security groups (EC2-Classic): neither as resources nor on DB instances.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

return {
  id       = "ct-rds-pr-15",
  severity = "medium",
  types    = { "AWS::RDS::DBInstance", "AWS::RDS::DBSecurityGroup" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.15", "rds_db_security_group_not_allowed_check" },
  guard    = "rds_db_security_group_not_allowed_check",
  frameworks = { "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)",
    "NIST 800-53 Rev 5:CM-8(1)", "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(4)",
    "NIST 800-53 Rev 5:SC-7(5)", "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4",
    "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.1", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_SettingUp.html#CHAP_SettingUp.SecurityGroup",
  title    = "RDS DB security groups (EC2-Classic) must not be used",
  fix      = "Remove AWS::RDS::DBSecurityGroup resources and DBSecurityGroups; control access with VPC security groups (VPCSecurityGroups).",
  check = function(r, ctx)
    if r.type == "AWS::RDS::DBSecurityGroup" then
      return ctx.fail("DB security groups belong to EC2-Classic; use VPC security groups instead")
    end
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    local v = p.DBSecurityGroups
    if v ~= nil and not (is_list(v) and #v == 0) then
      return ctx.fail("DBSecurityGroups is " .. show(v) .. "; use VPCSecurityGroups instead", p, "DBSecurityGroups")
    end
  end,
}
