-- CT.WAF-REGIONAL.PR.2 (waf_regional_webacl_not_empty_check): WAF Classic regional web ACLs have at least one rule or rule group.
local is_view = pp.is_view
local rule = pp.lib("guard").rule

return rule({ id = "ct-waf-regional-pr-2", types = { "AWS::WAFRegional::WebACL" },
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
