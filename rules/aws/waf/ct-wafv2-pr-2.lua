-- CT.WAFV2.PR.2 (wafv2_rulegroup_not_empty_check): AWS WAF rule groups have at least one rule.
return pp.lib("guard").non_empty_rule({ id = "ct-wafv2-pr-2", types = { "AWS::WAFv2::RuleGroup" }, key = "Rules" })
