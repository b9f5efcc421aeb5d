-- CT.RDS.PR.29: Multi-AZ RDS DB clusters (MySQL, PostgreSQL) must not be publicly accessible.
local g = pp.lib("guard")
local show = g.show
local is_false = g.is_false

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in_list({ "mysql", "postgres" })

return {
  id       = "ct-rds-pr-29",
  types    = { "AWS::RDS::DBCluster" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB cluster has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set; it must be explicitly false", p)
    end
    if not is_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false", p, "PubliclyAccessible")
    end
  end,
}
