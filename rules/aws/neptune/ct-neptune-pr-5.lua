-- CT.NEPTUNE.PR.5: a Neptune DB cluster keeps automated backups for at least seven days.
-- Guard semantics kept: BackupRetentionPeriod must be present and an integer of at least 7 (the string
-- "7" and the number 7.0 fail; a list passes when every entry does, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, int_ge_ipairs = g.show_shape, g.int_ge_ipairs

local MIN_DAYS = 7

return g.rule({ id = "ct-neptune-pr-5", types = { "AWS::Neptune::DBCluster" },
  judge = function(ctx, p)
    local v = p.BackupRetentionPeriod
    if v == nil then
      return ctx.fail("BackupRetentionPeriod is not set, so backups are kept for the default of one day", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("BackupRetentionPeriod depends on a value Parapet cannot resolve", p,
                         "BackupRetentionPeriod")
    end
    if not int_ge_ipairs(v, MIN_DAYS) then
      return ctx.fail("BackupRetentionPeriod is " .. show(v) .. "; keep automated backups for at least 7 days (an integer)", p,
                      "BackupRetentionPeriod")
    end
  end,
})
