-- CT.NETWORK-FIREWALL.PR.3: the stateless default action for fragmented packets is drop or forward.
-- Guard semantics kept: FirewallPolicy must be an object and FirewallPolicy.StatelessFragmentDefaultActions
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

return g.rule({ id = "ct-network-firewall-pr-3", types = { "AWS::NetworkFirewall::FirewallPolicy" },
  judge = function(ctx, p)
    local fp = p.FirewallPolicy
    if fp == nil then
      return ctx.fail("FirewallPolicy is missing", p)
    end
    if not is_view(fp) or is_list(fp) then
      return ctx.fail("FirewallPolicy is " .. show(fp) .. ", not an object", p, "FirewallPolicy")
    end
    local acts = fp.StatelessFragmentDefaultActions
    if acts == nil then
      return ctx.fail("FirewallPolicy.StatelessFragmentDefaultActions is missing", fp)
    end
    if not is_list(acts) or #acts == 0 then
      return ctx.fail("FirewallPolicy.StatelessFragmentDefaultActions is " .. show(acts)
                      .. ", not a non-empty list of actions", fp, "StatelessFragmentDefaultActions")
    end
    for _, e in ipairs(acts) do
      if allowed(e) then return end
    end
    return ctx.fail("FirewallPolicy.StatelessFragmentDefaultActions is " .. show(acts)
                    .. ": neither aws:drop nor aws:forward_to_sfe", fp, "StatelessFragmentDefaultActions")
  end,
})
