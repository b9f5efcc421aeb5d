-- CT.ELASTICACHE.PR.3: a Redis replication group fails over automatically.
-- Guard semantics kept: the control applies when Engine is present and exactly "redis" (a list
-- applies when every entry is, so an empty list applies; an absent Engine is out of scope even
-- though CloudFormation's default engine is redis); AutomaticFailoverEnabled must then be present
-- and the boolean true (the string "true" fails; a list passes when every entry is true).
local type, tostring, ipairs = type, tostring, ipairs
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show, all_eq = g.show, g.eq_ipairs
local redis = ec.redis

return {
  id         = "ct-elasticache-pr-3",
  types      = { "AWS::ElastiCache::ReplicationGroup" },
  check = function(r, ctx)
    local p = r.properties
    local scope = redis(p.Engine)
    if scope == false then
      return ctx.skip("Engine is " .. show(p.Engine) .. ", not redis")
    end
    local v, problem = p.AutomaticFailoverEnabled, nil
    if v == nil then
      problem = "AutomaticFailoverEnabled is missing (the default is false)"
    elseif is_unknown(v) then
      return ctx.unknown("AutomaticFailoverEnabled depends on a value known only at deploy time", p,
                         "AutomaticFailoverEnabled")
    elseif not all_eq(v, true) then
      problem = "AutomaticFailoverEnabled is " .. show(v) .. ", not the boolean true"
    end
    if problem == nil then return end
    if scope == nil then
      return ctx.unknown(problem .. ", which matters if Engine (known only at deploy time) is redis",
                         p, "Engine")
    end
    return ctx.fail(problem .. ": a failed primary is not replaced by a replica", p,
                    v ~= nil and "AutomaticFailoverEnabled" or nil)
  end,
}
