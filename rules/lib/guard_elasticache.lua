-- Shared by the Control Tower ElastiCache rules (rules/aws/elasticache/ct-elasticache-pr-*.lua).
-- Loads after rules/lib/guard.lua (name order) and uses its helpers.
--
--   redis(e)          Engine in scope: nil (absent) → false; a value known only at deploy time →
--                     nil; otherwise eq_ipairs(e, "redis") (a list when every entry is, up to the
--                     first null; an empty list is redis).
--   old_version(v)    v is a string matching Guard's /^2\./ .. /^5\./ ("^[2-5]%.").
--   not_old(v)        a list: non-empty and no entry (ipairs) is old_version; else not old_version(v).
--   in_scope(p)       Engine present and redis (eq_ipairs), EngineVersion absent or not_old:
--                     true / false, or nil when Engine or EngineVersion is known only at deploy
--                     time (Engine is read first; an out-of-scope Engine returns false before
--                     EngineVersion is read).
--   blank(s)          guard.blank_strip (Guard's /\A\s*\z/ by removal), re-exported.
--   local_ref(ctx, v, rtype)  check_local_references(v, ctx, rtype) with the context first.
local g = pp.lib("guard")
local eq_ipairs, check_local_references, blank = g.eq_ipairs, g.check_local_references, g.blank_strip
local type, ipairs, find = type, ipairs, string.find
local is_list, is_unknown = pp.is_list, pp.is_unknown

local function redis(e)
  if e == nil then return false end
  if is_unknown(e) then return nil end
  return eq_ipairs(e, "redis")
end

local function old_version(v)
  return type(v) == "string" and find(v, "^[2-5]%.") ~= nil
end

local function not_old(v)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if old_version(e) then return false end
    end
    return true
  end
  return not old_version(v)
end

local function in_scope(p)
  local e, ver = p.Engine, p.EngineVersion
  if e == nil then return false end
  local unknown = is_unknown(e)
  if not unknown and not eq_ipairs(e, "redis") then return false end
  if ver ~= nil then
    if is_unknown(ver) then
      unknown = true
    elseif not not_old(ver) then
      return false
    end
  end
  if unknown then return nil end
  return true
end

local function local_ref(ctx, v, rtype)
  return check_local_references(v, ctx, rtype)
end

-- The rule of CT.ELASTICACHE.PR.3, .4, .5: when Engine is present and exactly "redis" (redis()),
-- the boolean property spec.key of a replication group must be present and true (the string
-- "true" fails; a list passes when every entry is true); spec.harm ends a FAIL's message.
-- Returns { id = spec.id, types, check }; the metadata is in rules/catalog/control-tower.tsv.
local show = g.show
local function redis_flag_rule(spec)
  local KEY, HARM = spec.key, spec.harm
  return {
    id = spec.id,
    types = { "AWS::ElastiCache::ReplicationGroup" },
    check = function(r, ctx)
      local p = r.properties
      local scope = redis(p.Engine)
      if scope == false then
        return ctx.skip("Engine is " .. show(p.Engine) .. ", not redis")
      end
      local v, problem = p[KEY], nil
      if v == nil then
        problem = KEY .. " is missing (the default is false)"
      elseif is_unknown(v) then
        return ctx.unknown(KEY .. " depends on a value known only at deploy time", p, KEY)
      elseif not eq_ipairs(v, true) then
        problem = KEY .. " is " .. show(v) .. ", not the boolean true"
      end
      if problem == nil then return end
      if scope == nil then
        return ctx.unknown(problem .. ", which matters if Engine (known only at deploy time) is "
                           .. "redis", p, "Engine")
      end
      return ctx.fail(problem .. ": " .. HARM, p, v ~= nil and KEY or nil)
    end,
  }
end

return {
  redis = redis, old_version = old_version, not_old = not_old, in_scope = in_scope,
  blank = blank, local_ref = local_ref, redis_flag_rule = redis_flag_rule,
}
