-- CT.RDS.PR.8: RDS DB instances must keep automated backups for at least seven days.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local ENGINE_LIST = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb",
  "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

-- Guard `v >= 7`: integers only; a list passes when every element is
local function week(v)
  if math.type(v) == "integer" then return v >= 7 end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (math.type(x) == "integer" and x >= 7) then return false end
  end
  return true
end

return {
  id       = "ct-rds-pr-8",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local v = p.BackupRetentionPeriod
    if v == nil then
      return ctx.fail("BackupRetentionPeriod is not set (the default keeps backups for 1 day); set it to 7 or more", p)
    end
    if not week(v) then
      return ctx.fail("BackupRetentionPeriod is " .. show(v) .. "; it must be a number of days of at least 7",
                      p, "BackupRetentionPeriod")
    end
  end,
}
