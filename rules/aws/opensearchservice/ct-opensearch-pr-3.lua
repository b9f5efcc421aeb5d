-- CT.OPENSEARCH.PR.3 (elasticsearch_node_to_node_encryption_check): Elasticsearch domains encrypt traffic between nodes.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

-- Guard's `v == true`: a list passes when every item is true (an empty list passes).
local function all_true(v)
  if is_view(v) then
    for i = 1, #v do
      if v[i] ~= true then return false end
    end
    return #v > 0 or tostring(v) == "[]"
  end
  return v == true
end

return {
  id         = "ct-opensearch-pr-3",
  title      = "Elasticsearch domains encrypt traffic between nodes",
  severity   = "medium",
  types      = { "AWS::Elasticsearch::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.3", "elasticsearch_node_to_node_encryption_check" },
  guard      = "elasticsearch_node_to_node_encryption_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "PCI DSS version 3.2.1:4.1",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ntn.html#enabling-ntn",
  fix        = "Set NodeToNodeEncryptionOptions.Enabled to true (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local c = p.NodeToNodeEncryptionOptions
    if c == nil then
      return ctx.fail("NodeToNodeEncryptionOptions is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("NodeToNodeEncryptionOptions is " .. tostring(c) .. ", not a map",
                      p, "NodeToNodeEncryptionOptions")
    end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("NodeToNodeEncryptionOptions.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("NodeToNodeEncryptionOptions.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
  end,
}
