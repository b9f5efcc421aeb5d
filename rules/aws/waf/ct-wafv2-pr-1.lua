-- CT.WAFV2.PR.1 (wafv2_webacl_not_empty_check): AWS WAF web ACLs have at least one rule or rule group.
local is_view = pp.is_view

return {
  id         = "ct-wafv2-pr-1",
  title      = "AWS WAF web ACLs have at least one rule or rule group",
  severity   = "medium",
  types      = { "AWS::WAFv2::WebACL" },
  packs      = { "control-tower" },
  controls   = { "CT.WAFV2.PR.1", "wafv2_webacl_not_empty_check" },
  guard      = "wafv2_webacl_not_empty_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(21)", "PCI DSS version 3.2.1:6.6",
  },
  docs       = "https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-working-with.html",
  fix        = "Add at least one rule (or managed rule group statement) to the web ACL's Rules.",
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
