-- CT.APPSYNC.PR.2: a GraphQL API has private visibility.
-- Guard semantics kept: Visibility must be present and "PRIVATE" (a list passes when every
-- entry is, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-appsync-pr-2", types = { "AWS::AppSync::GraphQLApi" }, props = { {
  key = "Visibility", missing = "Visibility is missing (the default is GLOBAL): set it to PRIVATE",
  ok = function(v) return g.eq_ipairs(v, "PRIVATE") end, bad = ": set it to PRIVATE" } } })
