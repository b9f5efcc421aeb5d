-- CT.MSK.PR.1: an MSK cluster encrypts traffic between its brokers.
-- Guard semantics kept: EncryptionInfo may be absent; when present it must be an object whose
-- EncryptionInTransit is absent or an object whose InCluster is absent or the boolean true
-- (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs
local is_view = pp.is_view

return {
  title      = "MSK clusters encrypt data in transit between brokers",
  id         = "ct-msk-pr-1",
  severity   = "medium",
  types      = { "AWS::MSK::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.MSK.PR.1", "msk_broker_node_tls_check" },
  guard      = "msk_broker_node_tls_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)",
    "NIST 800-53 Rev 5:SC-8(2)", "PCI DSS version 3.2.1:2.3",
    "PCI DSS version 3.2.1:4.1", "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/msk/latest/developerguide/msk-working-with-encryption.html",
  fix        = "Leave EncryptionInfo.EncryptionInTransit.InCluster out (it defaults to true) or "
            .. "set it to true.",
  check = function(r, ctx)
    local p = r.properties
    local ei = p.EncryptionInfo
    if ei == nil then return end
    if not is_view(ei) or is_list(ei) then
      return ctx.fail("EncryptionInfo is " .. show(ei) .. ", not an object", p, "EncryptionInfo")
    end
    local eit = ei.EncryptionInTransit
    if eit == nil then return end
    if not is_view(eit) or is_list(eit) then
      return ctx.fail("EncryptionInfo.EncryptionInTransit is " .. show(eit) .. ", not an object",
                      ei, "EncryptionInTransit")
    end
    local v = eit.InCluster
    if v ~= nil and not all_true(v) then
      return ctx.fail("EncryptionInfo.EncryptionInTransit.InCluster is " .. show(v)
                      .. ": traffic between brokers is not encrypted", eit, "InCluster")
    end
  end,
}
