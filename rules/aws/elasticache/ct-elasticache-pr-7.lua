-- CT.ELASTICACHE.PR.7: a replication group on Redis 2.x-5.x (no RBAC) requires a Redis AUTH token.
-- Guard semantics kept:
--  * in scope when Engine is present and exactly "redis" (a list when every entry is, so an empty
--    list is in scope) and EngineVersion is present and a 2.x-5.x version string (a list when
--    every entry is, so an empty list is in scope; a number is never such a string);
--  * AuthToken must then be present and a string that is not blank (Unicode white space counts
--    as blank). A reference or other intrinsic Guard would see as an object fails; Parapet judges
--    a parameter by its value and reports one it cannot resolve as unknown.
local type, tostring, ipairs = type, tostring, ipairs
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show, all_eq = g.show, g.eq_ipairs
local old_version, blank = ec.old_version, ec.blank

-- Guard's `EngineVersion in [/^2\./, ...]`
local function all_old(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not old_version(e) then return false end
    end
    return true
  end
  return old_version(v)
end

-- true, false, or nil when Engine or EngineVersion is known only at deploy time
local function in_control_scope(p)
  local e, ver = p.Engine, p.EngineVersion
  if e == nil or ver == nil then return false end
  local unknown = false
  if is_unknown(e) then unknown = true elseif not all_eq(e, "redis") then return false end
  if is_unknown(ver) then unknown = true elseif not all_old(ver) then return false end
  if unknown then return nil end
  return true
end

return g.rule({ id = "ct-elasticache-pr-7", types = { "AWS::ElastiCache::ReplicationGroup" },
  judge = function(ctx, p)
    local scope = in_control_scope(p)
    if scope == false then
      return ctx.skip("not a Redis 2.x-5.x replication group (Engine " .. show(p.Engine)
                      .. ", EngineVersion " .. show(p.EngineVersion) .. ")")
    end
    local v, problem = p.AuthToken, nil
    if v == nil then
      problem = "AuthToken is missing"
    elseif is_unknown(v) then
      return ctx.unknown("AuthToken depends on a value known only at deploy time", p, "AuthToken")
    elseif type(v) ~= "string" then
      problem = "AuthToken is " .. show(v) .. ", not a string"
    elseif blank(v) then
      problem = "AuthToken is blank"
    end
    if problem == nil then return end
    if scope == nil then
      return ctx.unknown(problem .. ", which matters if the group (Engine and EngineVersion known "
                         .. "only at deploy time) runs Redis before 6", p)
    end
    return ctx.fail(problem .. ": clients connect without Redis AUTH", p,
                    v ~= nil and "AuthToken" or nil)
  end,
})
