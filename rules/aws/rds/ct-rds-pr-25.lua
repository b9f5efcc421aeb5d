-- CT.RDS.PR.25: RDS DB clusters must export every log type of their engine to CloudWatch Logs.
local g = pp.lib("guard")
local show = g.show
local SCOPE_LIST = { "aurora", "aurora-mysql", "aurora-postgresql", "mysql", "postgres" }

-- Engines and the exact set of log types they must export.
local GROUPS = {
  { engines = { "aurora", "aurora-mysql", "mysql" }, logs = { "audit", "error", "general", "slowquery" } },
  { engines = { "aurora-postgresql" }, logs = { "postgresql" } },
  { engines = { "postgres" }, logs = { "postgresql", "upgrade" } },
}
local NOUN = "DB cluster"

local is_list = pp.is_list

local function set_of(list)
  local s = {}
  for _, x in ipairs(list) do s[x] = true end
  return s
end

-- Guard `Engine in [...]`: a string in the set; a list passes when every element is
local in_set = g.in_str_set

local SCOPE = set_of(SCOPE_LIST)
for _, g in ipairs(GROUPS) do
  g.engine_set = set_of(g.engines)
  g.log_set = set_of(g.logs)
end

-- an entry of EnableCloudwatchLogsExports is acceptable for the group when it is one of its log
-- types (a nested list when all its entries are)
local function entry_ok(x, g)
  if type(x) == "string" then return g.log_set[x] == true end
  return in_set(x, g.log_set)
end

-- is s one of the entries? (Like Guard, an entry that is itself a list is looked into.)
local function has(list, s)
  for i = 1, #list do
    local x = list[i]
    if x == s then return true end
    if is_list(x) then
      for j = 1, #x do if x[j] == s then return true end end
    end
  end
  return false
end

return {
  id       = "ct-rds-pr-25",
  types    = { "AWS::RDS::DBCluster" },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the " .. NOUN .. " has no Properties") end
    local engine = p.Engine
    if engine == nil or not in_set(engine, SCOPE) then
      return ctx.skip("Engine " .. show(engine) .. " is not in the scope of this control")
    end
    local logs = p.EnableCloudwatchLogsExports
    if logs == nil then
      return ctx.fail("EnableCloudwatchLogsExports is not set, so no logs are exported to CloudWatch", p)
    end
    if not is_list(logs) or #logs == 0 then
      return ctx.fail("EnableCloudwatchLogsExports is " .. show(logs) .. "; list the engine's log types",
                      p, "EnableCloudwatchLogsExports")
    end
    local ok = true
    for _, g in ipairs(GROUPS) do
      if in_set(engine, g.engine_set) then
        for _, want in ipairs(g.logs) do
          if not has(logs, want) then
            ok = ctx.fail("EnableCloudwatchLogsExports leaves out the \"" .. want .. "\" log of " .. show(engine),
                          p, "EnableCloudwatchLogsExports")
          end
        end
        for i = 1, #logs do
          if not entry_ok(logs[i], g) then
            ok = ctx.fail("EnableCloudwatchLogsExports[" .. i .. "] is " .. show(logs[i]) ..
                          ", not a log type of " .. show(engine) .. " (" .. table.concat(g.logs, ", ") .. ")",
                          logs, i)
          end
        end
      end
    end
    return ok
  end,
}
