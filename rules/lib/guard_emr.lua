-- Shared by the Control Tower EMR security-configuration rules (rules/aws/emr/ct-emr-pr-1..4):
-- how they reach into SecurityConfiguration and report what is missing or mistyped. Loads after
-- rules/lib/guard.lua (name order) and uses its helpers.
--
--   object_at(ctx, node, key, where)   node[key] when it is an object; otherwise fails with
--                                      "<where><key> is missing" / "... is <v>, not an object"
--                                      and returns nil. `where` names node ("" for properties).
--   encryption_configuration(ctx, p)   SecurityConfiguration.EncryptionConfiguration, both
--                                      objects (a JSON string SecurityConfiguration fails), or nil
--                                      after a failure.
--   EC                                 "SecurityConfiguration.EncryptionConfiguration."
--   flag_true(ctx, ec, flag)           ec[flag] is present and the boolean true (eq_ipairs: a
--                                      list passes when every entry is true); fails otherwise.
--                                      Returns true when it is.
--   config_rule(spec)                  the rule of an AWS::EMR::SecurityConfiguration: its
--                                      encryption_configuration, flag_true(spec.flag), the
--                                      objects EC.<spec.outer> and <spec.outer>.<spec.inner>;
--                                      then spec.judge(ctx, inner object) gives the verdict, or,
--                                      with spec.key, inner[key] must be present ("<inner>.<key>
--                                      is missing") and pass spec.ok ("<inner>.<key> is
--                                      show(v)<spec.bad>").
local g = pp.lib("guard")
local is_list, show, all_eq = g.is_list, g.show, g.eq_ipairs
local is_view = pp.is_view

local function object_at(ctx, node, key, where)
  local v = node[key]
  if v == nil then
    ctx.fail(where .. key .. " is missing", node)
    return nil
  end
  if not is_view(v) or is_list(v) then
    ctx.fail(where .. key .. " is " .. show(v) .. ", not an object", node, key)
    return nil
  end
  return v
end

local function encryption_configuration(ctx, p)
  local sc = object_at(ctx, p, "SecurityConfiguration", "")
  if not sc then return nil end
  return object_at(ctx, sc, "EncryptionConfiguration", "SecurityConfiguration.")
end

local EC = "SecurityConfiguration.EncryptionConfiguration."

local function flag_true(ctx, ec, flag)
  local v = ec[flag]
  if v == nil then
    ctx.fail(EC .. flag .. " is missing", ec)
    return false
  end
  if not all_eq(v, true) then
    ctx.fail(EC .. flag .. " is " .. show(v) .. ", not the boolean true", ec, flag)
    return false
  end
  return true
end

local function config_rule(spec)
  local flag, outer, inner, judge = spec.flag, spec.outer, spec.inner, spec.judge
  local where = EC .. outer .. "."
  if spec.key then
    local key, ok, bad = spec.key, spec.ok, spec.bad
    local label = inner .. "." .. key
    judge = function(ctx, node)
      local v = node[key]
      if v == nil then return ctx.fail(label .. " is missing", node) end
      if not ok(v) then return ctx.fail(label .. " is " .. show(v) .. bad, node, key) end
    end
  end
  return g.rule({ id = spec.id, types = { "AWS::EMR::SecurityConfiguration" },
    judge = function(ctx, p)
      local ec = encryption_configuration(ctx, p)
      if not ec then return end
      flag_true(ctx, ec, flag)
      local o = object_at(ctx, ec, outer, EC)
      if not o then return end
      local n = object_at(ctx, o, inner, where)
      if not n then return end
      return judge(ctx, n)
    end,
  })
end

return {
  object_at = object_at, encryption_configuration = encryption_configuration, EC = EC,
  flag_true = flag_true, config_rule = config_rule,
}
