-- CT.REDSHIFT.PR.4: a Redshift cluster accepts automatic major version upgrades.
-- Guard semantics kept: AllowVersionUpgrade may be absent (the service default allows
-- upgrades); when present it must be the boolean true (the string "true" fails; a list passes
-- when every entry is the boolean true, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list = pp.is_list
local g = pp.lib("guard")
local show, is_true = g.show_shape, g.is_true_ipairs

return {
  title      = "Redshift clusters allow automatic major version upgrades",
  id         = "ct-redshift-pr-4",
  severity   = "medium",
  types      = { "AWS::Redshift::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.REDSHIFT.PR.4", "redshift_cluster_allow_version_upgrade_check" },
  guard      = "redshift_cluster_allow_version_upgrade_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:CP-9",
    "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-2", "NIST 800-53 Rev 5:SI-2(2)",
    "NIST 800-53 Rev 5:SI-2(4)", "NIST 800-53 Rev 5:SI-2(5)", "PCI DSS version 3.2.1:6.2"
  },
  docs       = "https://docs.aws.amazon.com/redshift/latest/mgmt/cluster-versions.html",
  fix        = "Remove AllowVersionUpgrade or set it to true (a boolean), and pick a maintenance "
            .. "window that suits the workload.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.AllowVersionUpgrade
    if v == nil then return end
    if pp.is_unknown(v) then
      return ctx.unknown("AllowVersionUpgrade depends on a value Parapet cannot resolve", p,
                         "AllowVersionUpgrade")
    end
    if not is_true(v) then
      return ctx.fail("AllowVersionUpgrade is " .. show(v) .. "; the cluster would not receive "
                      .. "major version upgrades (allow them with the boolean true)", p,
                      "AllowVersionUpgrade")
    end
  end,
}
