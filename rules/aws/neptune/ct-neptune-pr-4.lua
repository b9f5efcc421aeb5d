-- CT.NEPTUNE.PR.4: a Neptune DB cluster exports its audit log to CloudWatch Logs.
-- Guard semantics kept: EnableCloudwatchLogsExports must be a non-empty list with an entry
-- "audit" (exactly; an entry that is itself a list counts when one of its entries is "audit").
-- A list Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_list = pp.is_list
local g = pp.lib("guard")
local show = g.show_shape

-- Guard `some EnableCloudwatchLogsExports[*] == "audit"`
local function has_audit(list)
  local unknown = false
  for _, e in ipairs(list) do
    if e == "audit" then return true end
    if pp.is_unknown(e) then unknown = true end
    if is_list(e) then
      for _, x in ipairs(e) do
        if x == "audit" then return true end
      end
    end
  end
  return false, unknown
end

return {
  title      = "Neptune DB clusters export audit logs to CloudWatch Logs",
  id         = "ct-neptune-pr-4",
  severity   = "medium",
  types      = { "AWS::Neptune::DBCluster" },
  packs      = { "control-tower" },
  controls   = { "CT.NEPTUNE.PR.4", "neptune_cluster_cloudwatch_audit_log_export_enabled" },
  guard      = "neptune_cluster_cloudwatch_audit_log_export_enabled",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(4)", "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-6(9)",
    "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2",
    "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(1)", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:AU-6(5)", "NIST 800-53 Rev 5:AU-7(1)",
    "NIST 800-53 Rev 5:AU-9(7)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-20", "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4(20)",
    "NIST 800-53 Rev 5:SI-4(5)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2", "PCI DSS version 3.2.1:10.2.3",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6"
  },
  docs       = "https://docs.aws.amazon.com/neptune/latest/userguide/cloudwatch-logs.html",
  fix        = "Add \"audit\" to EnableCloudwatchLogsExports (and turn on neptune_enable_audit_log "
            .. "in the cluster parameter group so there is an audit log to export).",
  check = function(r, ctx)
    local p = r.properties
    local v = p.EnableCloudwatchLogsExports
    if v == nil then
      return ctx.fail("EnableCloudwatchLogsExports is not set, so no log reaches CloudWatch Logs", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("EnableCloudwatchLogsExports depends on a value Parapet cannot resolve",
                         p, "EnableCloudwatchLogsExports")
    end
    if not is_list(v) or #v == 0 then
      return ctx.fail("EnableCloudwatchLogsExports is " .. show(v)
                      .. ", not a non-empty list of log types", p, "EnableCloudwatchLogsExports")
    end
    local found, unknown = has_audit(v)
    if found then return end
    if unknown then
      return ctx.unknown("EnableCloudwatchLogsExports has an entry Parapet cannot resolve and no "
                         .. "\"audit\" entry", p, "EnableCloudwatchLogsExports")
    end
    return ctx.fail("EnableCloudwatchLogsExports has no \"audit\" entry, so the audit log is not "
                    .. "exported", p, "EnableCloudwatchLogsExports")
  end,
}
