-- CT.RDS.PR.23: an RDS DB instance must not be publicly accessible.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return {
  id       = "ct-rds-pr-23",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set; it must be explicitly false", p)
    end
    if not is_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false",
                      p, "PubliclyAccessible")
    end
  end,
}
