-- Shared by the Control Tower Network Firewall rules (rules/aws/networkfirewall/).
--   default_actions_rule(spec)  the rule of CT.NETWORK-FIREWALL.PR.2 and .3: FirewallPolicy is an
--                         object and FirewallPolicy[spec.key] a non-empty list with at least one
--                         entry in {aws:drop, aws:forward_to_sfe} (an entry that is itself a list
--                         counts when all of its entries are in the set, so an empty one counts).
local g = pp.lib("guard")
local is_list, show, object_at = g.is_list, g.show, g.object_at
local type, ipairs = type, ipairs

local ALLOWED = { ["aws:drop"] = true, ["aws:forward_to_sfe"] = true }
local POLICY = { "FirewallPolicy" }

local function allowed(e)
  if is_list(e) then
    for _, x in ipairs(e) do
      if type(x) ~= "string" or not ALLOWED[x] then return false end
    end
    return true
  end
  return type(e) == "string" and ALLOWED[e] == true
end

local function default_actions_rule(spec)
  local key = spec.key
  local label = "FirewallPolicy." .. key
  return g.rule({ id = spec.id, types = { "AWS::NetworkFirewall::FirewallPolicy" },
    judge = function(ctx, p)
      local fp = object_at(ctx, p, POLICY)
      if fp == nil then return false end
      local acts = fp[key]
      if acts == nil then
        return ctx.fail(label .. " is missing", fp)
      end
      if not is_list(acts) or #acts == 0 then
        return ctx.fail(label .. " is " .. show(acts) .. ", not a non-empty list of actions", fp, key)
      end
      for _, e in ipairs(acts) do
        if allowed(e) then return end
      end
      return ctx.fail(label .. " is " .. show(acts) .. ": neither aws:drop nor aws:forward_to_sfe", fp, key)
    end,
  })
end

return { default_actions_rule = default_actions_rule }
