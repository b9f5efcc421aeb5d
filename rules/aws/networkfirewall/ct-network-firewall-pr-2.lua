-- CT.NETWORK-FIREWALL.PR.2: the stateless default action for full packets is drop or forward.
return pp.lib("guard_network_firewall").default_actions_rule({
  id = "ct-network-firewall-pr-2", key = "StatelessDefaultActions",
})
