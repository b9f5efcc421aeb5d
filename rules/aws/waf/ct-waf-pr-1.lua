-- CT.WAF.PR.1 (waf_global_rule_not_empty_check): WAF Classic global rules have at least one condition.
local is_view = pp.is_view

return {
  id         = "ct-waf-pr-1",
  title      = "WAF Classic global rules have at least one condition",
  severity   = "medium",
  types      = { "AWS::WAF::Rule" },
  packs      = { "control-tower" },
  controls   = { "CT.WAF.PR.1", "waf_global_rule_not_empty_check" },
  guard      = "waf_global_rule_not_empty_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "PCI DSS version 3.2.1:6.6",
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
