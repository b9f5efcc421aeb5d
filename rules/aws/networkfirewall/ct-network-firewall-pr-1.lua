-- CT.NETWORK-FIREWALL.PR.1: a firewall policy references at least one rule group.
-- Guard semantics kept: FirewallPolicy must be an object, and StatefulRuleGroupReferences or
-- StatelessRuleGroupReferences must be a non-empty list.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local is_view = pp.is_view

return {
  title      = "Network Firewall policies reference at least one rule group",
  id         = "ct-network-firewall-pr-1",
  severity   = "medium",
  types      = { "AWS::NetworkFirewall::FirewallPolicy" },
  packs      = { "control-tower" },
  controls   = { "CT.NETWORK-FIREWALL.PR.1", "netfw_policy_rule_group_associated_check" },
  guard      = "netfw_policy_rule_group_associated_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:11.4"
  },
  docs       = "https://docs.aws.amazon.com/network-firewall/latest/developerguide/firewall-policy-updating.html",
  fix        = "Add at least one rule group to FirewallPolicy.StatefulRuleGroupReferences or "
            .. "FirewallPolicy.StatelessRuleGroupReferences.",
  check = function(r, ctx)
    local p = r.properties
    local fp = p.FirewallPolicy
    if fp == nil then
      return ctx.fail("FirewallPolicy is missing", p)
    end
    if not is_view(fp) or is_list(fp) then
      return ctx.fail("FirewallPolicy is " .. show(fp) .. ", not an object", p, "FirewallPolicy")
    end
    local sf, sl = fp.StatefulRuleGroupReferences, fp.StatelessRuleGroupReferences
    if (is_list(sf) and #sf > 0) or (is_list(sl) and #sl > 0) then return end
    return ctx.fail("FirewallPolicy has no rule groups: StatefulRuleGroupReferences is "
                    .. show(sf) .. " and StatelessRuleGroupReferences is " .. show(sl), p,
                    "FirewallPolicy")
  end,
}
