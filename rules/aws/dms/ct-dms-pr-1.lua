-- CT.DMS.PR.1: a replication instance must say PubliclyAccessible: false, explicitly.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return {
  id       = "ct-dms-pr-1",
  severity = "critical",
  types    = { "AWS::DMS::ReplicationInstance" },
  packs    = { "control-tower" },
  controls = { "CT.DMS.PR.1", "dms_replication_instance_not_public_check" },
  guard    = "dms_replication_instance_not_public_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.2.2" },
  docs     = "https://docs.aws.amazon.com/dms/latest/userguide/CHAP_ReplicationInstance.PublicPrivate.html",
  title    = "AWS DMS replication instances must set PubliclyAccessible to false",
  fix      = "Add PubliclyAccessible: false (a boolean) to the replication instance; reach it through a VPN, a bastion or a VPC peer instead.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set, and the replication instance may then get a public address; set it to false", p)
    end
    if not is_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false",
                      p, "PubliclyAccessible")
    end
  end,
}
