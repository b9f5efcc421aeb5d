-- CT.WAF-REGIONAL.PR.1 (waf_regional_rule_not_empty_check): WAF Classic regional rules have at least one condition.
return pp.lib("guard").non_empty_rule({ id = "ct-waf-regional-pr-1", types = { "AWS::WAFRegional::Rule" }, key = "Predicates" })
