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

return g.rule({ id = "ct-opensearch-pr-15", types = { "AWS::OpenSearchService::Domain" },
  judge = function(ctx, p)
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
})
