-- CT.OPENSEARCH.PR.15 (opensearch_fine_grained_access_control_enabled_check): OpenSearch Service domains turn on fine-grained access control.
local g = pp.lib("guard")
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

return g.section_rule({ id = "ct-opensearch-pr-15", types = { "AWS::OpenSearchService::Domain" },
  section = "AdvancedSecurityOptions", missing = "AdvancedSecurityOptions is missing", props = {
    { key = "Enabled", missing = true, ok = g.is_true, bad = ", not true" },
    { key = "InternalUserDatabaseEnabled", missing = true, ok = all_bool, bad = ", not a boolean" },
    { key = "MasterUserOptions", missing = true, ok = g.is_struct_read, bad = ", not a map" } } })
