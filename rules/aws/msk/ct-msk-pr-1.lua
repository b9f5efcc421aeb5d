-- CT.MSK.PR.1: an MSK cluster encrypts traffic between its brokers.
-- Guard semantics kept: EncryptionInfo may be absent; when present it must be an object whose
-- EncryptionInTransit is absent or an object whose InCluster is absent or the boolean true
-- (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs
local is_view = pp.is_view

return g.rule({ id = "ct-msk-pr-1", types = { "AWS::MSK::Cluster" },
  judge = function(ctx, p)
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
})
