-- CT.NEPTUNE.PR.5: a Neptune DB cluster keeps automated backups for at least seven days.
-- Guard semantics kept: BackupRetentionPeriod must be present and an integer of at least 7 (the string
-- "7" and the number 7.0 fail; a list passes when every entry does, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, format, tostring, ipairs, mtype = type, string.format, tostring, ipairs, math.type
local is_list = pp.is_list

local MIN_DAYS = 7

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  if is_list(v) then return "a list" end
  if pp.is_map(v) then return "an object" end
  return tostring(v)
end

local function long_enough(v)
  return mtype(v) == "integer" and v >= MIN_DAYS
end

-- Guard `v >= 7`
local function ok(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not long_enough(e) then return false end
    end
    return true
  end
  return long_enough(v)
end

return {
  title      = "Neptune DB clusters keep automated backups for at least 7 days",
  id         = "ct-neptune-pr-5",
  severity   = "medium",
  types      = { "AWS::Neptune::DBCluster" },
  packs      = { "control-tower" },
  controls   = { "CT.NEPTUNE.PR.5", "neptune_cluster_backup_retention_check" },
  guard      = "neptune_cluster_backup_retention_check",
  frameworks = {
    "NIST 800-53 Rev 5:SI-12", "PCI DSS version 3.2.1:3.1"
  },
  docs       = "https://docs.aws.amazon.com/neptune/latest/userguide/backup-restore-overview.html",
  fix        = "Set BackupRetentionPeriod to an integer from 7 to 35.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.BackupRetentionPeriod
    if v == nil then
      return ctx.fail("BackupRetentionPeriod is not set, so backups are kept for the default of one day", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("BackupRetentionPeriod depends on a value Parapet cannot resolve", p,
                         "BackupRetentionPeriod")
    end
    if not ok(v) then
      return ctx.fail("BackupRetentionPeriod is " .. show(v) .. "; keep automated backups for at least 7 days (an integer)", p,
                      "BackupRetentionPeriod")
    end
  end,
}
