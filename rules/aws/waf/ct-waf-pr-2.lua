-- CT.WAF.PR.2 (waf_global_webacl_not_empty_check): WAF Classic global web ACLs have at least one rule or rule group.
local is_view = pp.is_view

return {
  id         = "ct-waf-pr-2",
  title      = "WAF Classic global web ACLs have at least one rule or rule group",
  severity   = "medium",
  types      = { "AWS::WAF::WebACL" },
  packs      = { "control-tower" },
  controls   = { "CT.WAF.PR.2", "waf_global_webacl_not_empty_check" },
  guard      = "waf_global_webacl_not_empty_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(21)", "PCI DSS version 3.2.1:6.6",
  },
  docs       = "https://docs.aws.amazon.com/waf/latest/developerguide/classic-web-acl.html",
  fix        = "Add at least one rule or rule group to the web ACL's Rules.",
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
