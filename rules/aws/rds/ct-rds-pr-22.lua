-- CT.RDS.PR.22: RDS DB instances must not keep a default administrator user name.
local g = pp.lib("guard")
local show = g.show
local in1 = g.in1
local is_list = pp.is_list

-- Guard `v not in set`: values of another type are "not in"; a list needs at least one element
-- and no element in the set
local function not_in(v, set)
  if v == nil then return false end
  if is_list(v) then
    if #v == 0 then return false end
    for i = 1, #v do if in1(v[i], set) then return false end end
    return true
  end
  return not in1(v, set)
end

local ENGINE_LIST = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
  "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

local DEFAULT_USERS = { "postgres", "admin" }

return {
  id       = "ct-rds-pr-22",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    local v = p.MasterUsername
    if v == nil then return ctx.skip("MasterUsername is not set") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    if not not_in(v, DEFAULT_USERS) then
      return ctx.fail("MasterUsername is " .. show(v) .. ", a default administrator name", p, "MasterUsername")
    end
  end,
}
