-- CT.OPENSEARCH.PR.15 (opensearch_fine_grained_access_control_enabled_check): OpenSearch Service domains turn on fine-grained access control.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true
local is_view = pp.is_view

-- Guard's `v in [true, false]`: a list passes when every item is a boolean (an empty list passes).
local function all_bool(v)
  if is_view(v) then
    for i = 1, #v do
      if type(v[i]) ~= "boolean" then return false end
    end
    return #v > 0 or tostring(v) == "[]"
  end
  return type(v) == "boolean"
end

return {
  id         = "ct-opensearch-pr-15",
  title      = "OpenSearch Service domains turn on fine-grained access control",
  severity   = "high",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.15", "opensearch_fine_grained_access_control_enabled_check" },
  guard      = "opensearch_fine_grained_access_control_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html",
  fix        = "In AdvancedSecurityOptions set Enabled to true, InternalUserDatabaseEnabled to a boolean, and give MasterUserOptions.",
  check = function(r, ctx)
    local p = r.properties
    local c = p.AdvancedSecurityOptions
    if c == nil then
      return ctx.fail("AdvancedSecurityOptions is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("AdvancedSecurityOptions is " .. tostring(c) .. ", not a map",
                      p, "AdvancedSecurityOptions")
    end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("AdvancedSecurityOptions.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("AdvancedSecurityOptions.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
    local internalDb = c.InternalUserDatabaseEnabled
    if internalDb == nil then
      ctx.fail("AdvancedSecurityOptions.InternalUserDatabaseEnabled is missing", c)
    elseif not all_bool(internalDb) then
      ctx.fail("AdvancedSecurityOptions.InternalUserDatabaseEnabled is " .. tostring(internalDb) .. ", not a boolean",
               c, "InternalUserDatabaseEnabled")
    end
    local masterUserOptions = c.MasterUserOptions
    if masterUserOptions == nil then
      ctx.fail("AdvancedSecurityOptions.MasterUserOptions is missing", c)
    elseif not is_struct(masterUserOptions) then
      ctx.fail("AdvancedSecurityOptions.MasterUserOptions is " .. tostring(masterUserOptions) .. ", not a map",
               c, "MasterUserOptions")
    end
  end,
}
