-- CT.ELASTICACHE.PR.1: a Redis cache cluster takes automatic daily snapshots.
-- Guard semantics kept: the control applies when Engine is present and exactly "redis" (a list
-- applies when every entry is, so an empty list applies); SnapshotRetentionLimit must then be
-- present and an integer greater than 0 ("1" and 1.0 fail; a list passes when every entry does,
-- so an empty list passes).
local type, tostring, ipairs, mtype = type, tostring, ipairs, math.type
local is_list, is_unknown = pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show = g.show
local redis = ec.redis

local function all_positive_int(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if not (mtype(e) == "integer" and e > 0) then return false end
    end
    return true
  end
  return mtype(v) == "integer" and v > 0
end

return g.rule({ id = "ct-elasticache-pr-1", types = { "AWS::ElastiCache::CacheCluster" },
  judge = function(ctx, p)
    local scope = redis(p.Engine)
    if scope == false then
      return ctx.skip("Engine is " .. show(p.Engine) .. ", not redis")
    end
    local v, problem = p.SnapshotRetentionLimit, nil
    if v == nil then
      problem = "SnapshotRetentionLimit is missing (the default 0 turns automatic backups off)"
    elseif is_unknown(v) then
      return ctx.unknown("SnapshotRetentionLimit depends on a value known only at deploy time", p,
                         "SnapshotRetentionLimit")
    elseif not all_positive_int(v) then
      problem = "SnapshotRetentionLimit is " .. show(v) .. ", not a positive integer number of days"
    end
    if problem == nil then return end
    if scope == nil then
      return ctx.unknown(problem .. ", which matters if Engine (known only at deploy time) is redis",
                         p, "Engine")
    end
    return ctx.fail(problem, p, v ~= nil and "SnapshotRetentionLimit" or nil)
  end,
})
