-- CT.WAF-REGIONAL.PR.2 (waf_regional_webacl_not_empty_check): WAF Classic regional web ACLs have at least one rule or rule group.
local is_view = pp.is_view

return {
  id         = "ct-waf-regional-pr-2",
  title      = "WAF Classic regional web ACLs have at least one rule or rule group",
  severity   = "medium",
  types      = { "AWS::WAFRegional::WebACL" },
  packs      = { "control-tower" },
  controls   = { "CT.WAF-REGIONAL.PR.2", "waf_regional_webacl_not_empty_check" },
  guard      = "waf_regional_webacl_not_empty_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "PCI DSS version 3.2.1:6.6",
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
