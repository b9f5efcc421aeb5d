-- CT.ELASTICACHE.PR.2: a Redis 6+ cache cluster takes minor engine upgrades automatically.
-- Guard semantics kept:
--  * in scope when Engine is present and exactly "redis" (a list when every entry is, so an empty
--    list is in scope) and EngineVersion is absent or not a 2.x-5.x version string. A number is
--    never such a string (EngineVersion: 5 is in scope); a list is out of scope when it is empty or
--    any entry is a 2.x-5.x string;
--  * AutoMinorVersionUpgrade must then be present and the boolean true (CloudFormation's default
--    true is not enough; the string "true" fails; a list passes when every entry is true).
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show, all_eq = g.show, g.eq_ipairs
local in_scope = ec.in_scope

return g.rule({ id = "ct-elasticache-pr-2", types = { "AWS::ElastiCache::CacheCluster" },
  judge = function(ctx, p)
    local scope = in_scope(p)
    if scope == false then
      return ctx.skip("not a Redis 6 or later cache cluster (Engine " .. show(p.Engine)
                      .. ", EngineVersion " .. show(p.EngineVersion) .. ")")
    end
    local v, problem = p.AutoMinorVersionUpgrade, nil
    if v == nil then
      problem = "AutoMinorVersionUpgrade is not set explicitly"
    elseif is_unknown(v) then
      return ctx.unknown("AutoMinorVersionUpgrade depends on a value known only at deploy time", p,
                         "AutoMinorVersionUpgrade")
    elseif not all_eq(v, true) then
      problem = "AutoMinorVersionUpgrade is " .. show(v) .. ", not the boolean true"
    end
    if problem == nil then return end
    if scope == nil then
      return ctx.unknown(problem .. ", which matters if the cluster (Engine and EngineVersion known "
                         .. "only at deploy time) runs Redis 6 or later", p)
    end
    return ctx.fail(problem .. ": the cluster does not receive minor engine upgrades and security "
                    .. "patches automatically", p, v ~= nil and "AutoMinorVersionUpgrade" or nil)
  end,
})
