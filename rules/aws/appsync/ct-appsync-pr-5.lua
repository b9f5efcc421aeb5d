-- CT.APPSYNC.PR.5: an AppSync API cache encrypts data at rest.
-- Guard semantics kept: AtRestEncryptionEnabled must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_true = g.is_true_ipairs

return g.rule({ id = "ct-appsync-pr-5", types = { "AWS::AppSync::ApiCache" },
  judge = function(ctx, p)
    local v = p.AtRestEncryptionEnabled
    if v == nil then
      return ctx.fail("AtRestEncryptionEnabled is missing: the cache is not encrypted at rest", p)
    end
    if not all_true(v) then
      return ctx.fail("AtRestEncryptionEnabled is " .. show(v) .. ", not the boolean true", p, "AtRestEncryptionEnabled")
    end
  end,
})
