-- CT.RDS.PR.6: Aurora MySQL-compatible provisioned clusters must turn on backtracking (clusters on
-- Serverless v2 with Aurora MySQL 3.02 or later are out of scope).
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list

local ENGINES = { aurora = true, ["aurora-mysql"] = true }
local MODES = { provisioned = true, parallelquery = true }

-- Guard `v in [strings]`: a list passes when every element is in the set
local in_set = g.in_str_set

-- Guard `v in /re/` and `v not in /re/` against a single pattern: only a string can match or
-- not match (a list never does)
local function matches(v, pat)
  return type(v) == "string" and v:find(pat) ~= nil
end
local function not_matches(v, pat)
  return type(v) == "string" and v:find(pat) == nil
end

local V3 = "^8%.0%.mysql_aurora%.3"
local V3_01 = "^8%.0%.mysql_aurora%.3%.01%."

-- Guard `v > 0`: integers only; a list passes when every element is
local function positive(v)
  if math.type(v) == "integer" then return v > 0 end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (math.type(x) == "integer" and x > 0) then return false end
  end
  return true
end

local ONLY_MYSQL = { ["aurora-mysql"] = true }

local function in_control_scope(p)
  if not in_set(p.Engine, ENGINES) then return false end
  local mode = p.EngineMode
  if mode ~= nil and not in_set(mode, MODES) then return false end
  if p.ServerlessV2ScalingConfiguration ~= nil and in_set(p.Engine, ONLY_MYSQL) then
    local ver = p.EngineVersion
    if not (matches(ver, V3_01) or not_matches(ver, V3)) then return false end
  end
  return true
end

return g.rule({ id = "ct-rds-pr-6", types = { "AWS::RDS::DBCluster" }, noun = "DB cluster",
  judge = function(ctx, p)
    if not in_control_scope(p) then
      return ctx.skip("the cluster's engine, engine mode or version does not support backtracking")
    end
    local v = p.BacktrackWindow
    if v == nil then
      return ctx.fail("BacktrackWindow is not set, so backtracking is off", p)
    end
    if not positive(v) then
      return ctx.fail("BacktrackWindow is " .. show(v) .. "; it must be a number of seconds greater than 0",
                      p, "BacktrackWindow")
    end
  end,
})
