-- CT.NEPTUNE.PR.4: a Neptune DB cluster exports its audit log to CloudWatch Logs.
-- Guard semantics kept: EnableCloudwatchLogsExports must be a non-empty list with an entry
-- "audit" (exactly; an entry that is itself a list counts when one of its entries is "audit").
-- A list Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
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

return g.rule({ id = "ct-neptune-pr-4", types = { "AWS::Neptune::DBCluster" },
  judge = function(ctx, p)
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
})
