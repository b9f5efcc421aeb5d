-- CT.APPSYNC.PR.4: an AppSync API cache encrypts data in transit.
-- Guard semantics kept: TransitEncryptionEnabled must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_true = g.is_true_ipairs

return g.rule({ id = "ct-appsync-pr-4", types = { "AWS::AppSync::ApiCache" },
  judge = function(ctx, p)
    local v = p.TransitEncryptionEnabled
    if v == nil then
      return ctx.fail("TransitEncryptionEnabled is missing: the cache is not encrypted in transit", p)
    end
    if not all_true(v) then
      return ctx.fail("TransitEncryptionEnabled is " .. show(v) .. ", not the boolean true", p, "TransitEncryptionEnabled")
    end
  end,
})
