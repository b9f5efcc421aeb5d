-- CT.NETWORK-FIREWALL.PR.3: the stateless default action for fragmented packets is drop or forward.
return pp.lib("guard_network_firewall").default_actions_rule({
  id = "ct-network-firewall-pr-3", key = "StatelessFragmentDefaultActions",
})
