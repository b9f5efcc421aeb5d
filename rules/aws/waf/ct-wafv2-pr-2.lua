-- CT.WAFV2.PR.2 (wafv2_rulegroup_not_empty_check): AWS WAF rule groups have at least one rule.
local is_view = pp.is_view

return {
  id         = "ct-wafv2-pr-2",
  title      = "AWS WAF rule groups have at least one rule",
  severity   = "medium",
  types      = { "AWS::WAFv2::RuleGroup" },
  packs      = { "control-tower" },
  controls   = { "CT.WAFV2.PR.2", "wafv2_rulegroup_not_empty_check" },
  guard      = "wafv2_rulegroup_not_empty_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "PCI DSS version 3.2.1:6.6",
  },
  docs       = "https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-groups.html",
  fix        = "Add at least one rule to the rule group's Rules.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.Rules
    if v == nil then
      return ctx.fail("Rules is missing", p)
    end
    if not is_view(v) or #v == 0 then
      return ctx.fail("Rules is " .. tostring(v) .. ", not a non-empty list", p, "Rules")
    end
  end,
}
