-- CT.ELASTICACHE.PR.6: a cache cluster is placed in a subnet group of its own, not "default".
-- Guard semantics kept: CacheSubnetGroupName must be present and either a string that is not
-- blank (Unicode white space counts as blank) and not exactly "default", or a Ref or Fn::GetAtt
-- (list form) to an AWS::ElastiCache::SubnetGroup of this template. A list or any other value
-- fails; a parameter is judged by its value and one Parapet cannot resolve is reported unknown.
local type = type
local is_unknown = pp.is_unknown
local g = pp.lib("guard")
local ec = pp.lib("guard_elasticache")
local show = g.show
local blank, local_ref = ec.blank, ec.local_ref

local SUBNET_GROUP = "AWS::ElastiCache::SubnetGroup"

return g.rule({ id = "ct-elasticache-pr-6", types = { "AWS::ElastiCache::CacheCluster" },
  judge = function(ctx, p)
    local v = p.CacheSubnetGroupName
    if v == nil then
      return ctx.fail("CacheSubnetGroupName is missing, so the cluster goes into the default subnet "
                      .. "group", p)
    end
    if is_unknown(v) then
      return ctx.unknown("CacheSubnetGroupName depends on a value known only at deploy time", p,
                         "CacheSubnetGroupName")
    end
    if type(v) == "string" then
      if blank(v) then
        return ctx.fail("CacheSubnetGroupName is blank", p, "CacheSubnetGroupName")
      end
      if v == "default" then
        return ctx.fail("CacheSubnetGroupName is the default subnet group", p, "CacheSubnetGroupName")
      end
      return
    end
    if not local_ref(ctx, v, SUBNET_GROUP) then
      return ctx.fail("CacheSubnetGroupName is " .. show(v) .. ", neither a subnet group name nor a "
                      .. "reference to an " .. SUBNET_GROUP .. " of this template", p,
                      "CacheSubnetGroupName")
    end
  end,
})
