-- CT.DAX.PR.3: a DAX cluster encrypts traffic to its endpoint with TLS.
-- Guard semantics kept: ClusterEndpointEncryptionType must be present and exactly "TLS" (a list
-- passes when every entry is "TLS", so an empty list passes).
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local show = g.show

local all_eq = g.eq_ipairs

return g.rule({ id = "ct-dax-pr-3", types = { "AWS::DAX::Cluster" },
  judge = function(ctx, p)
    local v = p.ClusterEndpointEncryptionType
    if v == nil then
      return ctx.fail("ClusterEndpointEncryptionType is missing (the default is NONE): set it to TLS", p)
    end
    if is_unknown(v) then
      return ctx.unknown("ClusterEndpointEncryptionType depends on a value known only at deploy time",
                         p, "ClusterEndpointEncryptionType")
    end
    if not all_eq(v, "TLS") then
      return ctx.fail("ClusterEndpointEncryptionType is " .. show(v)
                      .. ": clients reach the cluster without TLS; set it to TLS", p,
                      "ClusterEndpointEncryptionType")
    end
  end,
})
