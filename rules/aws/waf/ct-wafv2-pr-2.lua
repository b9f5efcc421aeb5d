-- CT.WAFV2.PR.2 (wafv2_rulegroup_not_empty_check): AWS WAF rule groups have at least one rule.
local is_view = pp.is_view
local rule = pp.lib("guard").rule

return rule({ id = "ct-wafv2-pr-2", types = { "AWS::WAFv2::RuleGroup" },
  judge = function(ctx, p)
    local v = p.Rules
    if v == nil then
      return ctx.fail("Rules is missing", p)
    end
    if not is_view(v) or #v == 0 then
      return ctx.fail("Rules is " .. tostring(v) .. ", not a non-empty list", p, "Rules")
    end
  end,
})
