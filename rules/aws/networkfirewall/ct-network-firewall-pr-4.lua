-- CT.NETWORK-FIREWALL.PR.4: a stateless rule group contains rules.
-- Guard semantics kept: applies when Type is "STATELESS" (a list applies when every entry is,
-- so an empty list applies too); RuleGroup, RulesSource and StatelessRulesAndCustomActions
-- must be objects and StatelessRules a non-empty list.
local g = pp.lib("guard")
local is_list = g.is_list
local is_struct = g.is_struct
local show = g.show
local ipairs = ipairs

local function stateless(t)
  if is_list(t) then
    for _, e in ipairs(t) do
      if e ~= "STATELESS" then return false end
    end
    return true
  end
  return t == "STATELESS"
end

local PATH = { "RuleGroup", "RulesSource", "StatelessRulesAndCustomActions" }

return g.rule({ id = "ct-network-firewall-pr-4", types = { "AWS::NetworkFirewall::RuleGroup" },
  judge = function(ctx, p)
    local t = p.Type
    if t == nil or not stateless(t) then return end
    local node, where = p, nil
    for i = 1, #PATH do
      local k = PATH[i]
      local v = node[k]
      where = where and (where .. "." .. k) or k
      if v == nil then
        return ctx.fail(where .. " is missing from a stateless rule group", node)
      end
      if not is_struct(v) then
        return ctx.fail(where .. " is " .. show(v) .. ", not an object", node, k)
      end
      node = v
    end
    local rules = node.StatelessRules
    if rules == nil then
      return ctx.fail(where .. ".StatelessRules is missing: the stateless rule group is empty",
                      node)
    end
    if not is_list(rules) or #rules == 0 then
      return ctx.fail(where .. ".StatelessRules is " .. show(rules)
                      .. ": the stateless rule group has no rules", node, "StatelessRules")
    end
  end,
})
