-- CT.NEPTUNE.PR.3: a Neptune DB cluster encrypts its storage at rest.
-- Guard semantics kept: StorageEncrypted must be present and the boolean true; the string "true"
-- fails, and a list passes only when every entry is the boolean true (so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return g.rule({ id = "ct-neptune-pr-3", types = { "AWS::Neptune::DBCluster" },
  judge = function(ctx, p)
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
})
