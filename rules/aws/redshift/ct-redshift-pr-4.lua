-- CT.REDSHIFT.PR.4: a Redshift cluster accepts automatic major version upgrades.
-- Guard semantics kept: AllowVersionUpgrade may be absent (the service default allows
-- upgrades); when present it must be the boolean true (the string "true" fails; a list passes
-- when every entry is the boolean true, so an empty list passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list = pp.is_list

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  if is_list(v) then return "a list" end
  if pp.is_map(v) then return "an object" end
  return tostring(v)
end

-- Guard `v == true`
local function is_true(v)
  if v == true then return true end
  if not is_list(v) then return false end
  for _, e in ipairs(v) do
    if e ~= true then return false end
  end
  return true
end

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
