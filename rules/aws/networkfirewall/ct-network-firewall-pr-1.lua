-- CT.NETWORK-FIREWALL.PR.1: a firewall policy references at least one rule group.
-- Guard semantics kept: FirewallPolicy must be an object, and StatefulRuleGroupReferences or
-- StatelessRuleGroupReferences must be a non-empty list.
local g = pp.lib("guard")
local is_list, show, object_at = g.is_list, g.show, g.object_at
local POLICY = { "FirewallPolicy" }

return g.rule({ id = "ct-network-firewall-pr-1", types = { "AWS::NetworkFirewall::FirewallPolicy" },
  judge = function(ctx, p)
    local fp = object_at(ctx, p, POLICY)
    if fp == nil then return false end
    local sf, sl = fp.StatefulRuleGroupReferences, fp.StatelessRuleGroupReferences
    if (is_list(sf) and #sf > 0) or (is_list(sl) and #sl > 0) then return end
    return ctx.fail("FirewallPolicy has no rule groups: StatefulRuleGroupReferences is "
                    .. show(sf) .. " and StatelessRuleGroupReferences is " .. show(sl), p,
                    "FirewallPolicy")
  end,
})
