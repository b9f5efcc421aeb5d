-- CT.REDSHIFT.PR.2: a Redshift cluster takes automated snapshots and keeps them for at least seven days.
-- Guard semantics kept: AutomatedSnapshotRetentionPeriod must be present and an integer of at least 7 (the string
-- "7" and the number 7.0 fail; a list passes when every entry does, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local g = pp.lib("guard")
local show, int_ge_ipairs = g.show_shape, g.int_ge_ipairs

local MIN_DAYS = 7

return g.rule({ id = "ct-redshift-pr-2", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.AutomatedSnapshotRetentionPeriod
    if v == nil then
      return ctx.fail("AutomatedSnapshotRetentionPeriod is not set, so snapshots are kept for the default of one day", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("AutomatedSnapshotRetentionPeriod depends on a value Parapet cannot resolve", p,
                         "AutomatedSnapshotRetentionPeriod")
    end
    if not int_ge_ipairs(v, MIN_DAYS) then
      return ctx.fail("AutomatedSnapshotRetentionPeriod is " .. show(v) .. "; keep automated snapshots for at least 7 days (an integer; 0 turns them off)", p,
                      "AutomatedSnapshotRetentionPeriod")
    end
  end,
})
