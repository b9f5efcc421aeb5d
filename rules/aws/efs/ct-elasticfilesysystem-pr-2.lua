-- CT.ELASTICFILESYSYSTEM.PR.2: an EFS file system has automatic backups.
-- Guard semantics kept: BackupPolicy must be an object whose Status is "ENABLED" (a list
-- passes when every entry is, so an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local is_view = pp.is_view

return g.rule({ id = "ct-elasticfilesysystem-pr-2", types = { "AWS::EFS::FileSystem" },
  judge = function(ctx, p)
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
})
