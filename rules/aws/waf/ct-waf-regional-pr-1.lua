-- CT.WAF-REGIONAL.PR.1 (waf_regional_rule_not_empty_check): WAF Classic regional rules have at least one condition.
local is_view = pp.is_view
local rule = pp.lib("guard").rule

return rule({ id = "ct-waf-regional-pr-1", types = { "AWS::WAFRegional::Rule" },
  judge = function(ctx, p)
    local v = p.Predicates
    if v == nil then
      return ctx.fail("Predicates is missing", p)
    end
    if not is_view(v) or #v == 0 then
      return ctx.fail("Predicates is " .. tostring(v) .. ", not a non-empty list", p, "Predicates")
    end
  end,
})
