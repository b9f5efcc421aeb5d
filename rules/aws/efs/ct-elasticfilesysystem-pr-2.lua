-- CT.ELASTICFILESYSYSTEM.PR.2: an EFS file system has automatic backups.
-- Guard semantics kept: BackupPolicy must be an object whose Status is "ENABLED" (a list
-- passes when every entry is, so an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local is_view = pp.is_view

return {
  title      = "EFS file systems have automatic backups enabled",
  id         = "ct-elasticfilesysystem-pr-2",
  severity   = "medium",
  types      = { "AWS::EFS::FileSystem" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICFILESYSYSTEM.PR.2", "efs_automatic_backups_enabled_check" },
  guard      = "efs_automatic_backups_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6",
    "NIST 800-53 Rev 5:CP-6(1)", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:CP-9", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SI-12", "NIST 800-53 Rev 5:SI-13(5)",
    "PCI DSS version 3.2.1:3.1"
  },
  docs       = "https://docs.aws.amazon.com/efs/latest/ug/awsbackup.html#automatic-backups",
  fix        = "Add BackupPolicy with Status ENABLED so AWS Backup protects the file system.",
  check = function(r, ctx)
    local p = r.properties
    local bp = p.BackupPolicy
    if bp == nil then
      return ctx.fail("BackupPolicy is missing: automatic backups are off", p)
    end
    if not is_view(bp) or is_list(bp) then
      return ctx.fail("BackupPolicy is " .. show(bp) .. ", not an object", p, "BackupPolicy")
    end
    local st = bp.Status
    if st == nil then
      return ctx.fail("BackupPolicy.Status is missing", bp)
    end
    if not all_eq(st, "ENABLED") then
      return ctx.fail("BackupPolicy.Status is " .. show(st) .. ": set it to ENABLED", bp,
                      "Status")
    end
  end,
}
