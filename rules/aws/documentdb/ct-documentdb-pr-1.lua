-- CT.DOCUMENTDB.PR.1: a DocumentDB cluster encrypts its storage.
-- Guard semantics kept: StorageEncrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local show, all_true = g.show, g.is_true_ipairs

return {
  title      = "DocumentDB clusters are encrypted at rest",
  id         = "ct-documentdb-pr-1",
  severity   = "medium",
  types      = { "AWS::DocDB::DBCluster" },
  packs      = { "control-tower" },
  controls   = { "CT.DOCUMENTDB.PR.1", "docdb_cluster_encrypted_check" },
  guard      = "docdb_cluster_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-28", "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/documentdb/latest/developerguide/encryption-at-rest.html",
  fix        = "Set StorageEncrypted: true (and KmsKeyId for a customer managed key); an existing "
            .. "cluster has to be restored from a snapshot into an encrypted one.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.StorageEncrypted
    if v == nil then
      return ctx.fail("StorageEncrypted is missing (the default is false): set it to true", p)
    end
    if is_unknown(v) then
      return ctx.unknown("StorageEncrypted depends on a value known only at deploy time", p,
                         "StorageEncrypted")
    end
    if not all_true(v) then
      return ctx.fail("StorageEncrypted is " .. show(v) .. "; it must be the boolean true", p,
                      "StorageEncrypted")
    end
  end,
}
