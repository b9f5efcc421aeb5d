-- CT.ELASTICFILESYSYSTEM.PR.2: an EFS file system has automatic backups.
-- Guard semantics kept: BackupPolicy must be an object whose Status is "ENABLED" (a list
-- passes when every entry is, so an empty list passes).
local g = pp.lib("guard")
return g.value_rule({ id = "ct-elasticfilesysystem-pr-2", types = { "AWS::EFS::FileSystem" },
  keys = { "BackupPolicy", "Status" }, ok = function(v) return g.eq_ipairs(v, "ENABLED") end,
  bad = ": set it to ENABLED", missing = { "BackupPolicy is missing: automatic backups are off" } })
