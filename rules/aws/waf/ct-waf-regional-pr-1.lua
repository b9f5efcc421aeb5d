-- CT.WAF-REGIONAL.PR.1 (waf_regional_rule_not_empty_check): WAF Classic regional rules have at least one condition.
local is_view = pp.is_view

return {
  id         = "ct-waf-regional-pr-1",
  title      = "WAF Classic regional rules have at least one condition",
  severity   = "medium",
  types      = { "AWS::WAFRegional::Rule" },
  packs      = { "control-tower" },
  controls   = { "CT.WAF-REGIONAL.PR.1", "waf_regional_rule_not_empty_check" },
  guard      = "waf_regional_rule_not_empty_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(21)", "PCI DSS version 3.2.1:6.6",
  },
  docs       = "https://docs.aws.amazon.com/waf/latest/developerguide/classic-web-acl-rules-creating.html",
  fix        = "Add at least one predicate (condition) to the rule's Predicates.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.Predicates
    if v == nil then
      return ctx.fail("Predicates is missing", p)
    end
    if not is_view(v) or #v == 0 then
      return ctx.fail("Predicates is " .. tostring(v) .. ", not a non-empty list", p, "Predicates")
    end
  end,
}
