-- CT.DOCUMENTDB.PR.1: a DocumentDB cluster encrypts its storage.
-- Guard semantics kept: StorageEncrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local show, all_true = g.show, g.is_true_ipairs

return g.rule({ id = "ct-documentdb-pr-1", types = { "AWS::DocDB::DBCluster" },
  judge = function(ctx, p)
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
})
