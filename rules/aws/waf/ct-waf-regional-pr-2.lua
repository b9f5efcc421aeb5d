-- CT.WAF-REGIONAL.PR.2 (waf_regional_webacl_not_empty_check): WAF Classic regional web ACLs have at least one rule or rule group.
return pp.lib("guard").non_empty_rule({ id = "ct-waf-regional-pr-2", types = { "AWS::WAFRegional::WebACL" }, key = "Rules" })
