-- CT.NEPTUNE.PR.3: a Neptune DB cluster encrypts its storage at rest.
-- Guard semantics kept: StorageEncrypted must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list = pp.is_list
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return {
  title      = "Neptune DB clusters encrypt their storage",
  id         = "ct-neptune-pr-3",
  severity   = "medium",
  types      = { "AWS::Neptune::DBCluster" },
  packs      = { "control-tower" },
  controls   = { "CT.NEPTUNE.PR.3", "neptune_cluster_encrypted_check" },
  guard      = "neptune_cluster_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/neptune/latest/userguide/encrypt.html",
  fix        = "Set StorageEncrypted: true (a boolean); optionally name a KMS key in KmsKeyId.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.StorageEncrypted
    if v == nil then
      return ctx.fail("StorageEncrypted is not set, so the cluster storage is not encrypted at rest", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("StorageEncrypted depends on a value Parapet cannot resolve", p, "StorageEncrypted")
    end
    if not is_true(v) then
      return ctx.fail("StorageEncrypted is " .. show(v) .. "; storage encryption needs the boolean true", p,
                      "StorageEncrypted")
    end
  end,
}
