-- Shared by the public-exposure rules of the network pack (ECS Express Mode, EKS, OpenSearch,
-- Lambda URLs, MSK, SageMaker, EMR, Redshift Serverless, API Gateway, S3, EIPs, load balancers,
-- …): how a subnet of the template is judged public, how the break-glass allow-list reads, how a
-- property's flag is read with CloudFormation's loose typing. Rules get it with
-- pp.lib("exposure"); the reading of security-group ingress entries stays in lib/ingress.lua.

local is_list, is_map, is_view, is_unknown = pp.is_list, pp.is_map, pp.is_view, pp.is_unknown
local to_bool, to_str, to_cidr, ref_of = pp.bool, pp.str, pp.cidr, pp.ref
local format, lower, upper, sub = string.format, string.lower, string.upper, string.sub

local function describe(v)
  if type(v) == "string" then return format("%q", v) end
  if is_view(v) then return is_list(v) and "a list" or "an object" end
  return tostring(v)
end

-- describe, but an empty view is "an empty list or object" (views do not tell which), and a
-- view's kind is read from its first key.
local function describe_empty(v)
  if type(v) == "string" then return format("%q", v) end
  if is_view(v) then
    for k in pairs(v) do return type(k) == "number" and "a list" or "an object" end
    return "an empty list or object"
  end
  return tostring(v)
end

-- node[key] read as a string in upper case: the value, or nil with a reason "absent" |
-- "unknown" | "bad" (not a scalar).
local function upper_str(node, key)
  local v = node[key]
  if v == nil then return nil, "absent" end
  if is_unknown(v) then return nil, "unknown" end
  local s = to_str(v)
  if s == nil then return nil, "bad" end
  return upper(s), s
end

-- Is this CIDR string the whole internet (IPv4 0.0.0.0/0 or IPv6 ::/0)?
local function world_cidr(s)
  local c = type(s) == "string" and to_cidr(s) or nil
  return c ~= nil and c.world == true
end

-- The tags of a resource as a Lua table key → value: Tags as a list of {Key, Value} (most
-- types) or as a map (MSK, a few others). Unknown keys or values are skipped (and handled).
local function tag_map(p)
  local out = {}
  local t = p and p.Tags
  if t == nil or is_unknown(t) or not is_view(t) then return out end
  if is_list(t) then
    for i = 1, #t do
      local e = t[i]
      if is_map(e) then
        local k, v = e.Key, e.Value
        if not is_unknown(k) and not is_unknown(v) then
          local ks = to_str(k)
          if ks then out[ks] = to_str(v) or "" end
        end
      end
    end
  else
    for k, v in pairs(t) do
      if type(k) == "string" and not is_unknown(v) then out[k] = to_str(v) or "" end
    end
  end
  return out
end

-- Does tag spec "Key=Value" (or "Key" for any value) match these tags? Values compare without
-- regard to case ("Production" = "production").
local function tag_matches(tags, spec)
  local s = to_str(spec)
  if s == nil then return false end
  local eq = string.find(s, "=", 1, true)
  if eq == nil then return tags[s] ~= nil end
  local v = tags[sub(s, 1, eq - 1)]
  return v ~= nil and lower(v) == lower(sub(s, eq + 1))
end

-- The break-glass allow-list of a rule: params.allow_logical_ids (logical ids) and
-- params.allow_tags ("Key=Value" or "Key"). Returns a sentence naming the entry that admits r,
-- or nil.
local function allow_listed(r, params)
  local ids = params.allow_logical_ids
  if ids ~= nil then
    for _, id in ipairs(ids) do
      if to_str(id) == r.logical_id then
        return "logical id " .. r.logical_id .. " is in allow_logical_ids"
      end
    end
  end
  local specs = params.allow_tags
  if specs ~= nil and r.properties ~= nil then
    local tags
    for _, spec in ipairs(specs) do
      tags = tags or tag_map(r.properties)
      if tag_matches(tags, spec) then
        return "tag " .. tostring(to_str(spec)) .. " is in allow_tags"
      end
    end
  end
  return nil
end

-- Is the GatewayId of a route an internet gateway? true | false | "unknown".
local function is_igw(ctx, v)
  if v == nil then return false end
  if is_unknown(v) then return "unknown" end
  local id = ref_of(v)
  if id then
    local g = ctx.resource(v)
    if g == nil then return false end
    return g.type == "AWS::EC2::InternetGateway"
  end
  local s = to_str(v)
  return s ~= nil and sub(s, 1, 4) == "igw-"
end

-- Does route table `rt_id` (a logical id of this template) send the world to an internet
-- gateway? Returns the route's logical id and destination, "unknown" and a reason, or nil.
local function world_route(ctx, rt_id)
  local routes = ctx.referrers(rt_id, "AWS::EC2::Route")
  local doubt
  for i = 1, #routes do
    local q = routes[i].properties
    if q ~= nil and ref_of(q.RouteTableId) == rt_id then
      local dest, dest_unknown
      for k = 1, 2 do
        local key = k == 1 and "DestinationCidrBlock" or "DestinationIpv6CidrBlock"
        local d = q[key]
        if d ~= nil then
          if is_unknown(d) then dest_unknown = key
          elseif world_cidr(to_str(d)) then dest = to_str(d) end
        end
      end
      if dest or dest_unknown then
        local g = is_igw(ctx, q.GatewayId)
        if g == true and dest then
          return routes[i].logical_id, dest
        elseif g == "unknown" or (g == true and dest_unknown) then
          doubt = doubt or ("route " .. routes[i].logical_id .. " of route table " .. rt_id
                            .. " has a destination or gateway Parapet cannot resolve")
        end
      end
    end
  end
  if doubt then return "unknown", doubt end
  return nil
end

-- Judges one subnet value (an item of a Subnets list, a SubnetId):
--   "public", why       MapPublicIpOnLaunch true, or its route table sends 0.0.0.0/0 or ::/0
--                       to an internet gateway (AWS::EC2::SubnetRouteTableAssociation →
--                       AWS::EC2::Route with GatewayId an AWS::EC2::InternetGateway or igw-…)
--   "private"           a subnet of this template with neither
--   "unknown", why      a value Parapet cannot resolve, or a subnet outside this template
-- A subnet without an association uses its VPC's main route table, which a template cannot
-- give routes to: it is private here.
local function subnet_exposure(ctx, v)
  if is_unknown(v) then
    return "unknown", "comes from a value Parapet cannot resolve"
  end
  local id = ref_of(v)
  local s = id and ctx.resource(v)
  if s == nil then
    return "unknown", "is " .. (id or describe(v)) .. ", a subnet outside this template"
  end
  if s.type ~= "AWS::EC2::Subnet" then
    return "unknown", "names " .. id .. " (" .. tostring(s.type) .. "), not an AWS::EC2::Subnet"
  end
  local p = s.properties
  local doubt
  local m = p.MapPublicIpOnLaunch
  if m ~= nil then
    if is_unknown(m) then
      doubt = "is subnet " .. id .. ", whose MapPublicIpOnLaunch Parapet cannot resolve"
    elseif to_bool(m) == true then
      return "public", "is subnet " .. id .. ", which has MapPublicIpOnLaunch " .. tostring(m)
    end
  end
  local assocs = ctx.referrers(s, "AWS::EC2::SubnetRouteTableAssociation")
  for i = 1, #assocs do
    local q = assocs[i].properties
    if q ~= nil and ref_of(q.SubnetId) == id then
      local rt = q.RouteTableId
      local rt_id = not is_unknown(rt) and ref_of(rt) or nil
      if rt_id == nil or ctx.resource(rt_id) == nil then
        doubt = doubt or ("is subnet " .. id .. ", associated with a route table outside this "
                          .. "template (" .. assocs[i].logical_id .. ")")
      else
        local route, dest = world_route(ctx, rt_id)
        if route == "unknown" then
          doubt = doubt or ("is subnet " .. id .. ": " .. dest)
        elseif route then
          return "public", "is subnet " .. id .. ", whose route table " .. rt_id .. " sends "
                           .. dest .. " to an internet gateway (route " .. route .. ")"
        end
      end
    end
  end
  if doubt then return "unknown", doubt end
  return "private"
end

-- Follows keys from node. Returns value, state, holder, key, depth: state "ok" (value set),
-- "absent" (a level or the value is missing), "unknown" (a level or the value is an unknown),
-- "bad" (a level is not an object); holder[key] is where it stopped, depth how many keys deep.
local function dig(node, keys)
  local cur = node
  local n = #keys
  for i = 1, n - 1 do
    local v = cur[keys[i]]
    if v == nil then return nil, "absent", cur, keys[i], i end
    if is_unknown(v) then return nil, "unknown", cur, keys[i], i end
    if not is_view(v) or is_list(v) then return nil, "bad", cur, keys[i], i end
    cur = v
  end
  local v = cur[keys[n]]
  if v == nil then return nil, "absent", cur, keys[n], n end
  if is_unknown(v) then return nil, "unknown", cur, keys[n], n end
  return v, "ok", cur, keys[n], n
end

-- "A.B.C" for the first depth keys.
local function path_label(keys, depth)
  return table.concat(keys, ".", 1, depth or #keys)
end

-- Judges a boolean property that must not be true (absent reads as false): FAIL on true or on
-- a value that is not a boolean (CloudFormation rejects it, and a guardrail must not pass what it
-- cannot read), UNKNOWN when it cannot be resolved, PASS otherwise. keys is the path to it.
-- Optional: opts.describe names a value that is not a boolean (default describe), opts.absent
-- is the message of a FAIL when the property is absent (default: absent passes).
local function must_not_be_true(ctx, node, keys, consequence, opts)
  local v, state, holder, key, depth = dig(node, keys)
  local label = path_label(keys, depth)
  if state == "absent" then
    if opts and opts.absent then return ctx.fail(opts.absent) end
    return true
  end
  if state == "unknown" then
    return ctx.unknown(label .. " depends on a value Parapet cannot resolve", holder, key)
  end
  if state == "bad" then
    return ctx.fail(label .. " is " .. describe(holder[key]) .. ", not an object", holder, key)
  end
  local b = to_bool(v)
  if b == true then
    return ctx.fail(label .. " is " .. tostring(v) .. ": " .. consequence, holder, key)
  elseif b == nil then
    return ctx.fail(label .. " is " .. (opts and opts.describe or describe)(v) .. ", not a boolean",
                    holder, key)
  end
  return true
end

-- The rule for a resource type whose PubliclyAccessible flag alone makes it reachable from the
-- internet (Amazon MQ brokers, Neptune DB instances, Redshift Serverless workgroups): spec.id,
-- spec.types and spec.exposed (the consequence a FAIL states). Its title, severity, packs, fix
-- and docs come from rules/catalog/network.tsv.
local PUBLIC_FLAG = { "PubliclyAccessible" }
local function public_flag_rule(spec)
  local exposed = spec.exposed
  return {
    id = spec.id,
    types = spec.types,
    check = function(r, ctx)
      return must_not_be_true(ctx, r.properties, PUBLIC_FLAG, exposed)
    end,
  }
end

-- The rule for a resource type one flag of which (spec.key) must not be true, read as
-- must_not_be_true reads it with describe_empty for values that are not booleans; spec.exposed
-- is the consequence a FAIL states, spec.absent (optional) the FAIL of an absent flag. spec.id,
-- spec.types and spec.related are the rule's; its title, severity, packs, fix and docs come from
-- rules/catalog/network.tsv.
local function flag_rule(spec)
  local keys, exposed = { spec.key }, spec.exposed
  local opts = { describe = describe_empty, absent = spec.absent }
  return {
    id = spec.id,
    types = spec.types,
    related = spec.related,
    check = function(r, ctx)
      return must_not_be_true(ctx, r.properties, keys, exposed, opts)
    end,
  }
end

return {
  describe = describe,
  flag_rule = flag_rule,
  describe_empty = describe_empty,
  public_flag_rule = public_flag_rule,
  dig = dig,
  path_label = path_label,
  must_not_be_true = must_not_be_true,
  upper_str = upper_str,
  world_cidr = world_cidr,
  tag_map = tag_map,
  tag_matches = tag_matches,
  allow_listed = allow_listed,
  subnet_exposure = subnet_exposure,
}
