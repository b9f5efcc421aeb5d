-- CT.DOCUMENTDB.PR.2: a DocumentDB cluster keeps automated backups for at least seven days.
-- Guard semantics kept: BackupRetentionPeriod must be present and an integer >= 7 ("7" and 7.0
-- fail; a list passes when every entry does, so an empty list passes).
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local all_int_ge = g.int_ge_ipairs
local show = g.show

local MIN_DAYS = 7

return g.rule({ id = "ct-documentdb-pr-2", types = { "AWS::DocDB::DBCluster" },
  judge = function(ctx, p)
    local v = p.BackupRetentionPeriod
    if v == nil then
      return ctx.fail("BackupRetentionPeriod is missing (the default keeps backups for 1 day): set it "
                      .. "to " .. MIN_DAYS .. " or more", p)
    end
    if is_unknown(v) then
      return ctx.unknown("BackupRetentionPeriod depends on a value known only at deploy time", p,
                         "BackupRetentionPeriod")
    end
    if not all_int_ge(v, MIN_DAYS) then
      return ctx.fail("BackupRetentionPeriod is " .. show(v) .. "; it must be an integer number of "
                      .. "days of at least " .. MIN_DAYS, p, "BackupRetentionPeriod")
    end
  end,
})
