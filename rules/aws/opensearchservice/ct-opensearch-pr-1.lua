-- CT.OPENSEARCH.PR.1 (elasticsearch_encrypted_at_rest_check): Elasticsearch domains encrypt data at rest.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local all_true = g.is_true

return {
  id         = "ct-opensearch-pr-1",
  title      = "Elasticsearch domains encrypt data at rest",
  severity   = "medium",
  types      = { "AWS::Elasticsearch::Domain" },
  packs      = { "control-tower" },
  controls   = { "CT.OPENSEARCH.PR.1", "elasticsearch_encrypted_at_rest_check" },
  guard      = "elasticsearch_encrypted_at_rest_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-2(4)",
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)",
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:AC-6(9)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:CA-9(1)",
    "NIST 800-53 Rev 5:CM-3(6)", "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:IA-5(1)", "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-23", "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-36", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(10)", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)",
    "NIST 800-53 Rev 5:SC-7(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)",
    "NIST 800-53 Rev 5:SI-13(5)", "NIST 800-53 Rev 5:SI-3(8)", "NIST 800-53 Rev 5:SI-4(20)",
    "NIST 800-53 Rev 5:SI-7(6)", "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.2",
    "PCI DSS version 3.2.1:10.2.3", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.2.5", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6", "PCI DSS version 3.2.1:2.3",
    "PCI DSS version 3.2.1:3.4", "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/opensearch-service/latest/developerguide/encryption-at-rest.html",
  fix        = "Set EncryptionAtRestOptions.Enabled to true (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local c = p.EncryptionAtRestOptions
    if c == nil then
      return ctx.fail("EncryptionAtRestOptions is missing", p)
    end
    if not is_struct(c) then
      return ctx.fail("EncryptionAtRestOptions is " .. tostring(c) .. ", not a map",
                      p, "EncryptionAtRestOptions")
    end
    local enabled = c.Enabled
    if enabled == nil then
      ctx.fail("EncryptionAtRestOptions.Enabled is missing", c)
    elseif not all_true(enabled) then
      ctx.fail("EncryptionAtRestOptions.Enabled is " .. tostring(enabled) .. ", not true",
               c, "Enabled")
    end
  end,
}
