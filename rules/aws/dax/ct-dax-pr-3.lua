-- CT.DAX.PR.3: a DAX cluster encrypts traffic to its endpoint with TLS.
-- Guard semantics kept: ClusterEndpointEncryptionType must be present and exactly "TLS" (a list
-- passes when every entry is "TLS", so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-dax-pr-3", types = { "AWS::DAX::Cluster" }, props = { {
  key = "ClusterEndpointEncryptionType", unknown = g.AT_DEPLOY,
  missing = "ClusterEndpointEncryptionType is missing (the default is NONE): set it to TLS",
  ok = function(v) return g.eq_ipairs(v, "TLS") end, bad = ": clients reach the cluster without TLS; set it to TLS" } } })
