-- CT.WAFV2.PR.1 (wafv2_webacl_not_empty_check): AWS WAF web ACLs have at least one rule or rule group.
local is_view = pp.is_view
local rule = pp.lib("guard").rule

return rule({ id = "ct-wafv2-pr-1", types = { "AWS::WAFv2::WebACL" },
  judge = function(ctx, p)
    local v = p.Rules
    if v == nil then
      return ctx.fail("Rules is missing", p)
    end
    if not is_view(v) or #v == 0 then
      return ctx.fail("Rules is " .. tostring(v) .. ", not a non-empty list", p, "Rules")
    end
  end,
})
