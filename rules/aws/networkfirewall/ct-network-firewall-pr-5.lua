-- CT.NETWORK-FIREWALL.PR.5: a firewall spans at least two subnets (Availability Zones).
-- Guard semantics kept: SubnetMappings must be a list with at least two entries.
local g = pp.lib("guard")
local is_list, show = g.is_list, g.show
return g.props_rule({ id = "ct-network-firewall-pr-5", types = { "AWS::NetworkFirewall::Firewall" }, props = { {
  key = "SubnetMappings", missing = "SubnetMappings is missing",
  ok = function(m) return is_list(m) and #m >= 2 end,
  bad = function(m)
    if not is_list(m) then return "SubnetMappings is " .. show(m) .. ", not a list" end
    return "SubnetMappings has " .. #m .. " entr" .. (#m == 1 and "y" or "ies") .. ": a single Availability Zone has no failover"
  end } } })
