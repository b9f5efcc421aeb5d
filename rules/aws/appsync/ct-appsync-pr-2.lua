-- CT.APPSYNC.PR.2: a GraphQL API has private visibility.
-- Guard semantics kept: Visibility must be present and "PRIVATE" (a list passes when every
-- entry is, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return g.rule({ id = "ct-appsync-pr-2", types = { "AWS::AppSync::GraphQLApi" },
  judge = function(ctx, p)
    local v = p.Visibility
    if v == nil then
      return ctx.fail("Visibility is missing (the default is GLOBAL): set it to PRIVATE", p)
    end
    if not all_eq(v, "PRIVATE") then
      return ctx.fail("Visibility is " .. show(v) .. ": set it to PRIVATE", p, "Visibility")
    end
  end,
})
