-- CT.DMS.PR.1: a replication instance must say PubliclyAccessible: false, explicitly.
local g = pp.lib("guard")
return g.props_rule({ id = "ct-dms-pr-1", types = { "AWS::DMS::ReplicationInstance" }, props = { {
  key = "PubliclyAccessible", missing = "PubliclyAccessible is not set, and the replication instance may then get a public address; set it to false",
  ok = g.is_false, bad = "; it must be the boolean false" } } })
