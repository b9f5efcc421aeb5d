-- CT.ELASTICACHE.PR.8: a replication group on Redis 6 or later authenticates users with RBAC.
-- Guard semantics kept:
--  * in scope when Engine is present and exactly "redis" (a list when every entry is, so an empty
--    list is in scope) and EngineVersion is absent or not a 2.x-5.x version string. A number is
--    never such a string; a list is out of scope when it is empty or any entry is a 2.x-5.x string;
--  * UserGroupIds must then be a non-empty list whose every entry is a string that is not blank
--    (Unicode white space counts as blank) or a Ref or Fn::GetAtt (list form) to an
--    AWS::ElastiCache::UserGroup of this template. A parameter is judged by its value and one
--    Parapet cannot resolve is reported unknown.
local type, tostring, ipairs = type, tostring, ipairs
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show = g.show
local blank, local_ref, in_scope = ec.blank, ec.local_ref, ec.in_scope

local USER_GROUP = "AWS::ElastiCache::UserGroup"

-- nil when the ids are acceptable, "unknown", or a description of the problem
local function problem_with(ctx, ids)
  if ids == nil then return "UserGroupIds is missing" end
  if is_unknown(ids) then return "unknown" end
  if not is_list(ids) or #ids == 0 then
    return "UserGroupIds is " .. show(ids) .. ", not a non-empty list"
  end
  local unknown = false
  for i, id in ipairs(ids) do
    if is_unknown(id) then
      unknown = true
    elseif type(id) == "string" then
      if blank(id) then return "UserGroupIds entry " .. i .. " is blank" end
    elseif not local_ref(ctx, id, USER_GROUP) then
      return "UserGroupIds entry " .. i .. " is " .. show(id) .. ", neither a user group id nor a "
             .. "reference to an " .. USER_GROUP .. " of this template"
    end
  end
  if unknown then return "unknown" end
  return nil
end

return g.rule({ id = "ct-elasticache-pr-8", types = { "AWS::ElastiCache::ReplicationGroup" },
  judge = function(ctx, p)
    local scope = in_scope(p)
    if scope == false then
      return ctx.skip("not a Redis 6 or later replication group (Engine " .. show(p.Engine)
                      .. ", EngineVersion " .. show(p.EngineVersion) .. ")")
    end
    local problem = problem_with(ctx, p.UserGroupIds)
    if problem == nil then return end
    if problem == "unknown" then
      return ctx.unknown("UserGroupIds depends on a value known only at deploy time", p, "UserGroupIds")
    end
    if scope == nil then
      return ctx.unknown(problem .. ", which matters if the group (Engine and EngineVersion known "
                         .. "only at deploy time) runs Redis 6 or later", p)
    end
    return ctx.fail(problem .. ": users are not authenticated with role-based access control", p,
                    p.UserGroupIds ~= nil and "UserGroupIds" or nil)
  end,
})
