-- CT.WAF.PR.2 (waf_global_webacl_not_empty_check): WAF Classic global web ACLs have at least one rule or rule group.
return pp.lib("guard").non_empty_rule({ id = "ct-waf-pr-2", types = { "AWS::WAF::WebACL" }, key = "Rules" })
