-- CT.REDSHIFT.PR.8: a Redshift cluster encrypts its data at rest.
-- Guard semantics kept: Encrypted must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list = pp.is_list
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return {
  title      = "Redshift clusters are encrypted at rest",
  id         = "ct-redshift-pr-8",
  severity   = "medium",
  types      = { "AWS::Redshift::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.REDSHIFT.PR.8", "redshift_cluster_encrypted_check" },
  guard      = "redshift_cluster_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:3.5.3", "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-db-encryption.html",
  fix        = "Set Encrypted: true (a boolean); optionally name a KMS key in KmsKeyId.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.Encrypted
    if v == nil then
      return ctx.fail("Encrypted is not set, so the cluster is not encrypted at rest", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("Encrypted depends on a value Parapet cannot resolve", p, "Encrypted")
    end
    if not is_true(v) then
      return ctx.fail("Encrypted is " .. show(v) .. "; encryption at rest needs the boolean true", p,
                      "Encrypted")
    end
  end,
}
