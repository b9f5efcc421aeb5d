-- CT.WAFV2.PR.1 (wafv2_webacl_not_empty_check): AWS WAF web ACLs have at least one rule or rule group.
return pp.lib("guard").non_empty_rule({ id = "ct-wafv2-pr-1", types = { "AWS::WAFv2::WebACL" }, key = "Rules" })
