-- CT.OPENSEARCH.PR.11 (opensearch_node_to_node_encryption_check): OpenSearch Service domains encrypt traffic between nodes.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true

return {
  id         = "ct-opensearch-pr-11",
  title      = "OpenSearch Service domains encrypt traffic between nodes",
  severity   = "medium",
  types      = { "AWS::OpenSearchService::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.11", "opensearch_node_to_node_encryption_check" },
  guard      = "opensearch_node_to_node_encryption_check",
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
