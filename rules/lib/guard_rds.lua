-- Shared by the Control Tower RDS rules (rules/aws/rds/ct-rds-pr-*.lua): Guard's `Engine IN [...]`
-- scope test, one per rule's engine list. Loads after rules/lib/guard.lua (name order).
--
--   engine_in(list)       a function(e): e is a string in list. Anything else (a list, an
--                         object, absent) is out of scope.
--   engine_in_list(list)  a function(e): e is a string in list, or a list whose every element
--                         (1..#e, a null fails) is a string in list (an empty list is in scope);
--                         anything else is out of scope.
--   in_scope(list), in_scope_list(list)  a rule's scope (lib/guard.lua's rule): engine_in(list)
--                         or engine_in_list(list) applied to p.Engine, and the SKIP reason
--                         "Engine E is not in the scope of this control" when it is out.
--   INSTANCE_ENGINES      the engines most DB instance controls judge (MariaDB, MySQL, Oracle,
--                         PostgreSQL, SQL Server); ALL_ENGINES adds the Aurora engines.
--   rule(spec)            lib/guard.lua's props_rule (spec.props) or rule (spec.judge) for one
--                         resource type spec.type, with the noun of that type ("the DB instance
--                         has no Properties"; spec.noun = false: no such test) and the scope
--                         in_scope(spec.engines) or in_scope_list(spec.engine_list), if given.
--   not_in(v, list)       Guard `v not in [...]` (exact numeric types, lib/guard.lua's in1): nil
--                         is not "not in"; a list needs at least one element and none in list.
--   master_user_rule(spec)  the rule of CT.RDS.PR.21 and .22: a spec.type whose MasterUsername is
--                         set must not use one of spec.users (not_in); SKIP when it is not set,
--                         then (spec.engines) when the engine is out of scope.
--   tls_on(v)             Guard `v in [true, 1, "1", "true", "True", "TRUE", "on", "On", "ON"]`
--                         (exact numeric types); a list passes when every element is.
--   family(v, prefix)     Guard `Family in /^prefix/`: only a string matches.
--   tls_parameter_rule(spec)  the rule of CT.RDS.PR.27 and .28: a parameter group (spec.type,
--                         spec.noun) whose Family spec.pick(family) maps to {key, accept, want}
--                         must set Parameters[key] to a value accept() takes (want says which);
--                         pick returning nil: SKIP, the family is out of scope.
--   log_exports_rule(spec)  the rule of CT.RDS.PR.14 and .25: a spec.type whose Engine is one
--                         of spec.scope must list in EnableCloudwatchLogsExports every log type
--                         of its engine's group and nothing else (spec.groups: {engines, logs});
--                         spec.noun names the resource in messages.
--   event_subscription_rule(spec)  the rule of CT.RDS.PR.12, .17, .18, .19: an
--                         AWS::RDS::EventSubscription whose SourceType is spec.source (Guard's
--                         strict ==; a list when every element is) must be Enabled (the boolean
--                         true) and, when it filters EventCategories, include every one of
--                         spec.required. Returns { id = spec.id, types, check }; the metadata
--                         is in rules/catalog/control-tower.tsv.
local type, ipairs = type, ipairs
local is_list = pp.is_list

local function set_of(list)
  local s = {}
  for _, e in ipairs(list) do s[e] = true end
  return s
end

local function engine_in(list)
  local ENGINES = set_of(list)
  return function(e)
    return type(e) == "string" and ENGINES[e] == true
  end
end

local function engine_in_list(list)
  local ENGINES = set_of(list)
  return function(e)
    if type(e) == "string" then return ENGINES[e] == true end
    if not is_list(e) then return false end
    for i = 1, #e do
      if not (type(e[i]) == "string" and ENGINES[e[i]]) then return false end
    end
    return true
  end
end

local g = pp.lib("guard")
local show, is_true = g.show, g.is_true

local function scope_of(test)
  return function(p)
    if not test(p.Engine) then
      return "Engine " .. show(p.Engine) .. " is not in the scope of this control"
    end
  end
end
local function in_scope(list) return scope_of(engine_in(list)) end
local function in_scope_list(list) return scope_of(engine_in_list(list)) end

local INSTANCE_ENGINES = { "mariadb", "mysql", "oracle-ee", "oracle-ee-cdb", "oracle-se2",
  "oracle-se2-cdb", "postgres", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web" }
local ALL_ENGINES = { "aurora", "aurora-mysql", "aurora-postgresql" }
for i = 1, #INSTANCE_ENGINES do ALL_ENGINES[#ALL_ENGINES + 1] = INSTANCE_ENGINES[i] end

local NOUN = {
  ["AWS::RDS::DBInstance"] = "DB instance", ["AWS::RDS::DBCluster"] = "DB cluster",
  ["AWS::RDS::DBProxy"] = "DB proxy",
}

local function rule(spec)
  spec.types = { spec.type }
  if spec.noun == nil then spec.noun = NOUN[spec.type] end
  if spec.engines then spec.scope = in_scope(spec.engines) end
  if spec.engine_list then spec.scope = in_scope_list(spec.engine_list) end
  if spec.props then return g.props_rule(spec) end
  return g.rule(spec)
end

local function has(list, s)
  for i = 1, #list do if list[i] == s then return true end end
  return false
end

local in1 = g.in1
local function not_in(v, list)
  if v == nil then return false end
  if is_list(v) then
    if #v == 0 then return false end
    for i = 1, #v do if in1(v[i], list) then return false end end
    return true
  end
  return not in1(v, list)
end

-- an entry of EnableCloudwatchLogsExports is acceptable for the group when it is one of its log
-- types (a nested list when all its entries are)
local in_str_set = g.in_str_set
local function entry_ok(x, grp)
  if type(x) == "string" then return grp.log_set[x] == true end
  return in_str_set(x, grp.log_set)
end

-- is s one of the entries? (Like Guard, an entry that is itself a list is looked into.)
local function has_entry(list, s)
  for i = 1, #list do
    local x = list[i]
    if x == s then return true end
    if is_list(x) then
      for j = 1, #x do if x[j] == s then return true end end
    end
  end
  return false
end

local function master_user_rule(spec)
  local users, scope = spec.users, spec.engines and in_scope(spec.engines)
  return rule({
    id = spec.id, type = spec.type,
    judge = function(ctx, p)
      local v = p.MasterUsername
      if v == nil then return ctx.skip("MasterUsername is not set") end
      local why = scope and scope(p)
      if why then return ctx.skip(why) end
      if not not_in(v, users) then
        return ctx.fail("MasterUsername is " .. show(v) .. ", a default administrator name", p, "MasterUsername")
      end
    end,
  })
end

local mtype = math.type
local TRUE_VALUES = { true, 1, "1", "true", "True", "TRUE", "on", "On", "ON" }

local function true1(x)
  for i = 1, #TRUE_VALUES do
    local t = TRUE_VALUES[i]
    if x == t and (type(x) ~= "number" or mtype(x) == mtype(t)) then return true end
  end
  return false
end

local function tls_on(v)
  if is_list(v) then
    for i = 1, #v do if not true1(v[i]) then return false end end
    return true
  end
  return true1(v)
end

local function family(v, prefix)
  return type(v) == "string" and v:sub(1, #prefix) == prefix
end

-- nil when Parameters[key] passes `accept`, else a message
local function param_problem(p, key, accept, want)
  local params = p.Parameters
  if not pp.is_map(params) then
    return "Parameters does not set " .. key .. "; it must be " .. want
  end
  local v = params[key]
  if v == nil then return "Parameters does not set " .. key .. "; it must be " .. want end
  if not accept(v) then return "Parameters." .. key .. " is " .. show(v) .. "; it must be " .. want end
  return nil
end

local function tls_parameter_rule(spec)
  local pick, nothing = spec.pick, "the " .. spec.noun .. " has no Properties"
  return {
    id = spec.id,
    types = { spec.type },
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail(nothing) end
      local fam = p.Family
      local want = pick(fam)
      if not want then
        return ctx.skip("Family " .. show(fam) .. " is not in the scope of this control")
      end
      local msg = param_problem(p, want[1], want[2], want[3])
      if msg then return ctx.fail(msg, p, p.Parameters ~= nil and "Parameters" or nil) end
    end,
  }
end

local function log_exports_rule(spec)
  local SCOPE, GROUPS, NOUN = set_of(spec.scope), spec.groups, spec.noun
  for _, grp in ipairs(GROUPS) do
    grp.engine_set = set_of(grp.engines)
    grp.log_set = set_of(grp.logs)
  end
  return {
    id = spec.id,
    types = { spec.type },
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail("the " .. NOUN .. " has no Properties") end
      local engine = p.Engine
      if engine == nil or not in_str_set(engine, SCOPE) then
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
      for _, grp in ipairs(GROUPS) do
        if in_str_set(engine, grp.engine_set) then
          for _, want in ipairs(grp.logs) do
            if not has_entry(logs, want) then
              ok = ctx.fail("EnableCloudwatchLogsExports leaves out the \"" .. want .. "\" log of " .. show(engine),
                            p, "EnableCloudwatchLogsExports")
            end
          end
          for i = 1, #logs do
            if not entry_ok(logs[i], grp) then
              ok = ctx.fail("EnableCloudwatchLogsExports[" .. i .. "] is " .. show(logs[i]) ..
                            ", not a log type of " .. show(engine) .. " (" .. table.concat(grp.logs, ", ") .. ")",
                            logs, i)
            end
          end
        end
      end
      return ok
    end,
  }
end

local function event_subscription_rule(spec)
  local SOURCE, REQUIRED = spec.source, spec.required
  return {
    id = spec.id,
    types = { "AWS::RDS::EventSubscription" },
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail("the event subscription has no Properties") end
      if not g.eq_all(p.SourceType, SOURCE) then
        return ctx.skip("SourceType is not \"" .. SOURCE .. "\"")
      end
      local ok = true
      local en = p.Enabled
      if en == nil then
        ok = ctx.fail("Enabled is not set; the subscription must be explicitly enabled", p)
      elseif not is_true(en) then
        ok = ctx.fail("Enabled is " .. show(en) .. "; it must be the boolean true", p, "Enabled")
      end
      local cats = p.EventCategories
      if cats ~= nil then
        if not is_list(cats) then
          ok = ctx.fail("EventCategories is " .. show(cats) .. ", not a list", p,
                        "EventCategories")
        elseif #cats > 0 then
          for i = 1, #REQUIRED do
            if not has(cats, REQUIRED[i]) then
              ok = ctx.fail("EventCategories leaves out \"" .. REQUIRED[i] .. "\"", p,
                            "EventCategories")
            end
          end
        end
      end
      return ok
    end,
  }
end

return { engine_in = engine_in, engine_in_list = engine_in_list, in_scope = in_scope,
         in_scope_list = in_scope_list, rule = rule, not_in = not_in,
         tls_on = tls_on, family = family, tls_parameter_rule = tls_parameter_rule,
         master_user_rule = master_user_rule,
         log_exports_rule = log_exports_rule,
         INSTANCE_ENGINES = INSTANCE_ENGINES, ALL_ENGINES = ALL_ENGINES,
         event_subscription_rule = event_subscription_rule }
