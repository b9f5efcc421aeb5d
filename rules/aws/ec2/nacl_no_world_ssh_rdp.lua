-- A network ACL entry that allows SSH (22) or RDP (3389) in from the whole internet.
--
-- Judged: ingress entries (Egress absent or false) with RuleAction allow, a CidrBlock or
-- Ipv6CidrBlock that is the world (/0; or, with `min_prefix` / `min_prefix_v6` set, any shorter
-- IPv4 / IPv6 prefix), Protocol -1 (all), 6 (tcp) or 17 (udp: RDP also listens on UDP 3389),
-- and a PortRange covering one of `ports`. An absent PortRange means every port (it is required
-- for tcp/udp, so absent there is read the conservative way).
--
-- Network ACLs are evaluated in RuleNumber order, so an allow that a lower-numbered deny
-- entry of the same ACL (referenced by the same {Ref}) already blocks for the whole internet of
-- that address family, the same protocol (or all) and that port is not reported.
local CIDR_KEYS = { "CidrBlock", "Ipv6CidrBlock" }

local function world_source(e, params)
  local unknown_key
  for _, key in ipairs(CIDR_KEYS) do
    local v = e[key]
    if v ~= nil then
      if pp.is_unknown(v) then
        unknown_key = unknown_key or key
      else
        local s = pp.str(v)
        local c = s and pp.cidr(s)
        if c then
          local minp = c.family == 4 and params.min_prefix or params.min_prefix_v6
          minp = minp ~= nil and pp.int(minp) or nil
          if c.world or (minp ~= nil and c.prefix < minp) then return s, key, c.family end
        end
      end
    end
  end
  return nil, unknown_key
end

-- Protocol → "all" | "tcp" | "udp" | "other" | nil (unknown or malformed)
local function nacl_protocol(v)
  if pp.is_unknown(v) then return nil end
  local n = pp.int(v)
  if n == nil then
    local s = pp.str(v)
    s = s and string.lower(s)
    if s == "all" then return "all" elseif s == "tcp" or s == "udp" then return s end
    return nil
  end
  if n == -1 then return "all" elseif n == 6 then return "tcp" elseif n == 17 then return "udp" end
  return "other"
end

-- The port range as lo, hi; "unknown" when it cannot be resolved.
local function port_range(e)
  local pr = e.PortRange
  if pr == nil then return 0, 65535 end
  if pp.is_unknown(pr) then return "unknown" end
  if not pp.is_view(pr) then return "bad" end
  local f, t = pr.From, pr.To
  if pp.is_unknown(f) or pp.is_unknown(t) then return "unknown" end
  local lo, hi = pp.int(f), pp.int(t)
  if (f ~= nil and lo == nil) or (t ~= nil and hi == nil) then return "bad" end
  if lo == nil or lo == -1 then lo = 0 end
  if hi == nil or hi == -1 then hi = 65535 end
  if lo > hi then lo, hi = hi, lo end
  return lo, hi
end

local function is_deny(e)
  local a = e.RuleAction
  if pp.is_unknown(a) then return false end
  local s = pp.str(a)
  return s ~= nil and string.lower(s) == "deny"
end

-- Is `port` of protocol `proto` from the world of `family` blocked by a lower-numbered deny of
-- the same ACL?
local function shadowed(ctx, r, port, proto, family)
  local p = r.properties
  local acl = pp.ref(p.NetworkAclId)
  local num = pp.int(p.RuleNumber)
  if acl == nil or num == nil then return false end
  for _, o in ipairs(ctx.resources("AWS::EC2::NetworkAclEntry")) do
    local q = o.properties
    if o.logical_id ~= r.logical_id and q and pp.ref(q.NetworkAclId) == acl and is_deny(q)
       and pp.bool(q.Egress) ~= true then
      local n = pp.int(q.RuleNumber)
      local oproto = nacl_protocol(q.Protocol)
      local lo, hi = port_range(q)
      local covers_src = false
      for _, key in ipairs(CIDR_KEYS) do
        local s = pp.str(q[key])
        local c = s and pp.cidr(s)
        if c and c.world and c.family == family then covers_src = true end
      end
      if n and n < num and covers_src and (oproto == "all" or oproto == proto)
         and type(lo) == "number" and port >= lo and port <= hi then
        return true
      end
    end
  end
  return false
end

local NAMES = { [22] = "SSH", [3389] = "RDP" }

return {
  id = "ec2-nacl-no-world-ssh-rdp",
  types = { "AWS::EC2::NetworkAclEntry" },
  related = { "CT.EC2.PR.5" },
  params = {
    ports = { 22, 3389 },
    -- min_prefix = 16,      -- IPv4 prefixes shorter than this count as the world (unset)
    -- min_prefix_v6 = 48,   -- the same for IPv6 (unset)
  },
  check = function(r, ctx)
    local p = r.properties
    local params = ctx.params
    -- Egress entries and deny entries never let anything in.
    local eg = p.Egress
    local egress_unknown = pp.is_unknown(eg)
    if not egress_unknown and pp.bool(eg) == true then return true end
    local action = p.RuleAction
    local action_unknown = pp.is_unknown(action)
    if not action_unknown then
      local s = pp.str(action)
      if s == nil or string.lower(s) ~= "allow" then return true end
    end
    local src, key, family = world_source(p, params)
    if src == nil and key == nil then
      pp.is_unknown(p.Protocol); pp.is_unknown(p.PortRange)
      return true
    end
    local pv = p.Protocol
    if pp.is_unknown(pv) then
      return ctx.unknown("Protocol cannot be resolved; the entry allows traffic from "
                         .. (src or key) .. " and fails if it covers SSH/RDP", p, "Protocol")
    end
    local proto = nacl_protocol(pv)
    if proto == nil then
      return ctx.fail("Protocol is " .. tostring(pp.str(pv) or type(pv))
                      .. ", not a protocol number", p, "Protocol")
    end
    if proto == "other" then return true end
    local lo, hi = port_range(p)
    if lo == "unknown" then
      return ctx.unknown("PortRange cannot be resolved; the entry allows " .. proto
                         .. " from " .. (src or key) .. " and fails if it covers SSH/RDP", p,
                         "PortRange")
    elseif lo == "bad" then
      return ctx.fail("PortRange is not an object with numeric From/To", p, "PortRange")
    end
    local open = {}
    local list = params.ports or {}
    if type(list) ~= "table" and not pp.is_view(list) then list = { list } end
    for _, x in ipairs(list) do
      local port = pp.int(x)
      if port and port >= lo and port <= hi
         and not (src and shadowed(ctx, r, port, proto, family)) then
        open[#open + 1] = NAMES[port] and string.format("%d (%s)", port, NAMES[port])
                          or tostring(port)
      end
    end
    if #open == 0 then return true end
    local range = (proto == "all") and "all protocols and ports"
                  or (lo == 0 and hi == 65535) and ("every " .. proto .. " port")
                  or (lo == hi) and string.format("port %d/%s", lo, proto)
                  or string.format("ports %d-%d/%s", lo, hi, proto)
    local what = table.concat(open, " and ")
    if src == nil then
      return ctx.unknown(key .. " cannot be resolved; the entry allows " .. range .. ", including "
                         .. what .. ", and fails if that source is the internet", p, key)
    end
    if action_unknown or egress_unknown then
      return ctx.unknown("RuleAction or Egress cannot be resolved; if this is an ingress allow it "
                         .. "opens " .. what .. " to " .. src, p, key)
    end
    return ctx.fail(key .. " " .. src .. " is allowed in on " .. range .. ", which opens " .. what
                    .. " to the internet", p, key)
  end,
}
