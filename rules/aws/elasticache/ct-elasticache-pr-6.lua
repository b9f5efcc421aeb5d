-- CT.ELASTICACHE.PR.6: a cache cluster is placed in a subnet group of its own, not "default".
-- Guard semantics kept: CacheSubnetGroupName must be present and either a string that is not
-- blank (Unicode white space counts as blank) and not exactly "default", or a Ref or Fn::GetAtt
-- (list form) to an AWS::ElastiCache::SubnetGroup of this template. A list or any other value
-- fails; a parameter is judged by its value and one Parapet cannot resolve is reported unknown.
local type, format, tostring, ipairs, find, gsub = type, string.format, tostring, ipairs, string.find, string.gsub
local is_list, is_map, is_unknown = pp.is_list, pp.is_map, pp.is_unknown

local SUBNET_GROUP = "AWS::ElastiCache::SubnetGroup"

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  return tostring(v)
end

-- Guard's /\A\s*\z/ (\s is Unicode white space)
local UNICODE_SPACE = { "\194\133", "\194\160", "\225\154\128", "\226\128[\128-\138]",
                        "\226\128[\168\169\175]", "\226\129\159", "\227\128\128" }
local function blank(s)
  if find(s, "^[\t-\r ]*$") then return true end
  if not find(s, "[\128-\255]") then return false end
  s = gsub(s, "[\t-\r ]", "")
  for _, w in ipairs(UNICODE_SPACE) do s = gsub(s, w, "") end
  return s == ""
end

-- a Ref or Fn::GetAtt [Id, Attr] to a resource of rtype in this template
local function local_ref(ctx, v, rtype)
  if not is_map(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_list(ga) and type(ga[1]) == "string" then
    local res = ctx.resource(ga[1])
    if res and res.type == rtype then return true end
  end
  local id = v.Ref
  if type(id) ~= "string" then return false end
  local res = ctx.resource(id)
  return res ~= nil and res.type == rtype
end

return {
  title      = "ElastiCache cache clusters use a custom subnet group",
  id         = "ct-elasticache-pr-6",
  severity   = "high",
  types      = { "AWS::ElastiCache::CacheCluster" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICACHE.PR.6", "elasticache_subnet_group_check" },
  guard      = "elasticache_subnet_group_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:SC-7",
    "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(21)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(5)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6", "PCI DSS version 3.2.1:2.1",
    "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:2.2.2"
  },
  docs       = "https://docs.aws.amazon.com/AmazonElastiCache/latest/mem-ug/SubnetGroups.Creating.html",
  fix        = "Create an AWS::ElastiCache::SubnetGroup of the private subnets the cluster belongs in "
            .. "and set CacheSubnetGroupName to it (!Ref SubnetGroup).",
  check = function(r, ctx)
    local p = r.properties
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
}
