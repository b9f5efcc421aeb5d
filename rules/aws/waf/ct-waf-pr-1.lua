-- CT.WAF.PR.1 (waf_global_rule_not_empty_check): WAF Classic global rules have at least one condition.
return pp.lib("guard").non_empty_rule({ id = "ct-waf-pr-1", types = { "AWS::WAF::Rule" }, key = "Predicates" })
