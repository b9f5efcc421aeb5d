-- CT.RDS.PR.2: RDS DB instances must turn on enhanced monitoring with a monitoring role.
local g = pp.lib("guard")
local show = g.show
local blank = g.blank_bytes
local local_ref = g.check_local_references
local is_list = pp.is_list

local ENGINE_LIST = { "aurora", "aurora-mysql", "aurora-postgresql", "mariadb", "mysql", "oracle-ee",
  "oracle-ee-cdb", "oracle-se2", "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex",
  "sqlserver-web" }

local rds = pp.lib("guard_rds")
local engine_in_scope = rds.engine_in(ENGINE_LIST)

local INTERVALS = { [1] = true, [5] = true, [10] = true, [15] = true, [30] = true, [60] = true }
local function interval1(x) return math.type(x) == "integer" and INTERVALS[x] == true end

-- Guard `MonitoringInterval in [1, 5, 10, 15, 30, 60]`: integers only; a list passes when every
-- element is one of them
local function interval_ok(v)
  if is_list(v) then
    for i = 1, #v do if not interval1(v[i]) then return false end end
    return true
  end
  return interval1(v)
end

return {
  id       = "ct-rds-pr-2",
  types    = { "AWS::RDS::DBInstance" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB instance has no Properties") end
    if not engine_in_scope(p.Engine) then
      return ctx.skip("Engine " .. show(p.Engine) .. " is not in the scope of this control")
    end
    local ok = true
    local iv = p.MonitoringInterval
    if iv == nil then
      ok = ctx.fail("MonitoringInterval is not set, so enhanced monitoring is off", p)
    elseif not interval_ok(iv) then
      ok = ctx.fail("MonitoringInterval is " .. show(iv) .. "; it must be the number 1, 5, 10, 15, 30 or 60",
                    p, "MonitoringInterval")
    end
    local role = p.MonitoringRoleArn
    if role == nil then
      ok = ctx.fail("MonitoringRoleArn is not set; enhanced monitoring needs a role", p)
    elseif not ((type(role) == "string" and not blank(role)) or local_ref(role, ctx, "AWS::IAM::Role")) then
      ok = ctx.fail("MonitoringRoleArn is " .. show(role) ..
                    ", neither a role ARN nor a reference to an AWS::IAM::Role in this template", p, "MonitoringRoleArn")
    end
    return ok
  end,
}
