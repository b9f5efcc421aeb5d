-- CT.NETWORK-FIREWALL.PR.2: the stateless default action for full packets is drop or forward.
-- Guard semantics kept: FirewallPolicy must be an object and FirewallPolicy.StatelessDefaultActions
-- a non-empty list with at least one entry in {aws:drop, aws:forward_to_sfe} (an entry that is
-- itself a list counts when all of its entries are in the set, so an empty one counts).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local type, ipairs = type, ipairs
local is_view = pp.is_view

local ALLOWED = { ["aws:drop"] = true, ["aws:forward_to_sfe"] = true }

local function allowed(e)
  if is_list(e) then
    for _, x in ipairs(e) do
      if type(x) ~= "string" or not ALLOWED[x] then return false end
    end
    return true
  end
  return type(e) == "string" and ALLOWED[e] == true
end

return {
  title      = "Network Firewall policies drop or forward full packets that match no stateless rule",
  id         = "ct-network-firewall-pr-2",
  severity   = "medium",
  types      = { "AWS::NetworkFirewall::FirewallPolicy" },
  packs      = { "control-tower" },
  controls   = { "CT.NETWORK-FIREWALL.PR.2", "netfw_policy_default_action_full_packets_check" },
  guard      = "netfw_policy_default_action_full_packets_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6"
  },
  docs       = "https://docs.aws.amazon.com/network-firewall/latest/developerguide/stateless-default-actions.html",
  fix        = "Include aws:drop or aws:forward_to_sfe in FirewallPolicy.StatelessDefaultActions.",
  check = function(r, ctx)
    local p = r.properties
    local fp = p.FirewallPolicy
    if fp == nil then
      return ctx.fail("FirewallPolicy is missing", p)
    end
    if not is_view(fp) or is_list(fp) then
      return ctx.fail("FirewallPolicy is " .. show(fp) .. ", not an object", p, "FirewallPolicy")
    end
    local acts = fp.StatelessDefaultActions
    if acts == nil then
      return ctx.fail("FirewallPolicy.StatelessDefaultActions is missing", fp)
    end
    if not is_list(acts) or #acts == 0 then
      return ctx.fail("FirewallPolicy.StatelessDefaultActions is " .. show(acts)
                      .. ", not a non-empty list of actions", fp, "StatelessDefaultActions")
    end
    for _, e in ipairs(acts) do
      if allowed(e) then return end
    end
    return ctx.fail("FirewallPolicy.StatelessDefaultActions is " .. show(acts)
                    .. ": neither aws:drop nor aws:forward_to_sfe", fp, "StatelessDefaultActions")
  end,
}
