-- CT.NETWORK-FIREWALL.PR.1: a firewall policy references at least one rule group.
-- Guard semantics kept: FirewallPolicy must be an object, and StatefulRuleGroupReferences or
-- StatelessRuleGroupReferences must be a non-empty list.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local is_view = pp.is_view

return g.rule({ id = "ct-network-firewall-pr-1", types = { "AWS::NetworkFirewall::FirewallPolicy" },
  judge = function(ctx, p)
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
})
