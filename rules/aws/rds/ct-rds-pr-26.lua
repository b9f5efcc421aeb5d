-- CT.RDS.PR.26: RDS DB proxies must require TLS.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

return {
  id       = "ct-rds-pr-26",
  types    = { "AWS::RDS::DBProxy" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB proxy has no Properties") end
    local v = p.RequireTLS
    if v == nil then
      return ctx.fail("RequireTLS is not set, so clients may connect without TLS", p)
    end
    if not is_true(v) then
      return ctx.fail("RequireTLS is " .. show(v) .. "; it must be the boolean true", p, "RequireTLS")
    end
  end,
}
