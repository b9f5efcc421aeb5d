-- Shared by the security-group ingress rules of the network pack
-- (ec2-sg-no-world-admin-db-ports, ec2-sg-world-ingress-allowed-ports-only): how an ingress
-- entry is read — world sources, protocols, port ranges, malformed shapes — so both rules
-- judge it the same way. Rules get it with pp.lib("ingress").


-- Names used in messages for the default admin/database ports.
local PORT_NAMES = {
  [22] = "SSH", [23] = "Telnet", [3389] = "RDP", [5900] = "VNC", [5985] = "WinRM",
  [5986] = "WinRM-HTTPS", [2375] = "Docker API", [2376] = "Docker API TLS", [445] = "SMB",
  [2049] = "NFS", [1433] = "SQL Server", [1521] = "Oracle", [3306] = "MySQL",
  [5432] = "PostgreSQL", [5439] = "Redshift", [6379] = "Redis", [9042] = "Cassandra",
  [11211] = "Memcached", [27017] = "MongoDB", [9200] = "Elasticsearch/OpenSearch",
  [9300] = "Elasticsearch transport",
}

-- The default admin/database ports of both rules' `admin_db_ports` parameter, in the order
-- messages and `rules list` show them. admin_db_ports() returns a fresh plain list (rule
-- params must be plain tables, not this module's read-only view).
local ADMIN_DB_PORTS = { 22, 23, 3389, 5900, 5985, 5986, 2375, 2376, 445, 2049, 1433, 1521,
                         3306, 5432, 5439, 6379, 9042, 11211, 27017, 9200, 9300 }
local function admin_db_ports()
  local out = {}
  for i = 1, #ADMIN_DB_PORTS do out[i] = ADMIN_DB_PORTS[i] end
  return out
end

-- Library functions as upvalues: a field lookup through the sandbox's read-only proxies costs
-- more than the call itself, and these run for every ingress entry of every rule.
local is_list, is_view, is_map, is_unknown = pp.is_list, pp.is_view, pp.is_map, pp.is_unknown
local to_int, to_str, to_cidr = pp.int, pp.str, pp.cidr
local format, lower = string.format, string.lower

-- A value given as a reference into the template ({Ref: Res}, {"Fn::GetAtt": [Db,
-- Endpoint.Port]}, what CDK's allowDefaultPortFromAnyIpv4 writes) is known only once the stack
-- is deployed: where a port or a protocol is expected it is an unknown number, like a parameter
-- without a value, never a malformed entry.
local ref = pp.ref
local function deploy_time(v)
  return is_view(v) and ref(v) ~= nil
end

local function describe(v)
  if type(v) == "string" then return format("%q", v) end
  if is_view(v) then return is_list(v) and "a list" or "an object" end
  return tostring(v)
end

-- A port list parameter: a list (table or view) of numbers or numeric strings, or one number.
local function port_set(v)
  local set = {}
  if v == nil then return set end
  if type(v) == "table" or is_view(v) then
    for _, x in ipairs(v) do
      local n = to_int(x)
      if n then set[n] = true end
    end
  else
    local n = to_int(v)
    if n then set[n] = true end
  end
  return set
end

local function sorted_keys(set)
  local out = {}
  for k in pairs(set) do out[#out + 1] = k end
  table.sort(out)
  return out
end

-- IpProtocol → "all" | "tcp" | "udp" | "icmp" | "icmpv6" | "other" (a protocol without ports:
-- AWS ignores FromPort/ToPort for anything but tcp, udp, icmp and icmpv6) | nil (not a protocol).
local function protocol(v)
  local n = to_int(v)
  if n ~= nil then
    if n == -1 then return "all" elseif n == 6 then return "tcp" elseif n == 17 then return "udp"
    elseif n == 1 then return "icmp" elseif n == 58 then return "icmpv6" end
    if n >= 0 and n <= 255 then return "other" end
    return nil
  end
  local s = to_str(v)
  if s == nil then return nil end
  s = lower(s)
  if s == "all" then return "all" end
  if s == "tcp" or s == "udp" or s == "icmp" or s == "icmpv6" then return s end
  return nil
end

-- The protocols written as a plain string in the usual spellings, with what protocol() answers
-- for them (checked below when the module loads). A string found here is not an unknown and
-- not a reference, so analyze() skips those tests and the C calls of protocol() for it.
local PROTO_STR = {
  tcp = "tcp", udp = "udp", icmp = "icmp", icmpv6 = "icmpv6", all = "all",
  TCP = "tcp", UDP = "udp", ICMP = "icmp", ICMPV6 = "icmpv6", ALL = "all",
  ["-1"] = "all", ["6"] = "tcp", ["17"] = "udp", ["1"] = "icmp", ["58"] = "icmpv6",
}
for s, p in pairs(PROTO_STR) do
  assert(protocol(s) == p, "ingress: PROTO_STR disagrees with protocol() on " .. s)
end

-- pp.cidr of the CIDR strings met so far (false: not a CIDR), shared by the rules of this rule
-- set: the same few sources recur on every entry. Short strings only, and at most 256 of them
-- (then the cache starts again), so that it stays small within the rule set's memory.
local CIDR, ncidr = {}, 0
local function cidr_of(s)
  local c = to_cidr(s) or false
  if #s <= 64 then
    if ncidr >= 256 then CIDR, ncidr = {}, 0 end
    CIDR[s] = c
    ncidr = ncidr + 1
  end
  return c
end

-- Is this parsed CIDR "the world"? /0, or (with min_prefix / min_prefix_v6 set) any prefix
-- shorter than the minimum for its family.
local function is_world(c, params)
  if c.world then return true end
  local minp = c.family == 4 and params.min_prefix or params.min_prefix_v6
  minp = minp ~= nil and to_int(minp) or nil
  return minp ~= nil and c.prefix < minp
end

-- Analyses one ingress entry (an inline SecurityGroupIngress item, or the properties of an
-- AWS::EC2::SecurityGroupIngress). Returns nil when it opens nothing to the world, or a table:
--   bad = "message", key          malformed entry
--   src, src_key                  the world CIDR and its property, or
--   src_unknown = key             the CIDR could not be resolved
--   ports_unknown = true          protocol or ports could not be resolved (an unknown, or a
--                                 reference such as !GetAtt Db.Endpoint.Port)
--   lo, hi, proto, proto_raw      the port range (0-65535 for all protocols)
-- Every unknown it reads is marked handled; the rules report what matters to them. A CIDR
-- that is a reference ({Fn::GetAtt: [Vpc, CidrBlock]}) names an address range of this
-- template, never the world, and counts as not the world.
local function analyze(e, params)
  local src, src_key, src_unknown
  for k = 1, 2 do
    local key = k == 1 and "CidrIp" or "CidrIpv6"
    local v = e[key]
    if v ~= nil then
      local c = CIDR[v]   -- only strings are keys: a hit is a string, not an unknown
      if c ~= nil then
        if c and is_world(c, params) then src, src_key = v, key end
      elseif is_unknown(v) then
        src_unknown = src_unknown or key
      else
        local s = to_str(v)
        c = s and (s == v and cidr_of(s) or to_cidr(s))
        if c and is_world(c, params) then src, src_key = s, key end
      end
    end
  end
  if src == nil and src_unknown == nil then
    return nil
  end
  local res = { src = src, src_key = src_key or src_unknown,
                src_unknown = (src == nil) and src_unknown or nil }
  local pv = e.IpProtocol
  local f, t = e.FromPort, e.ToPort
  -- pp.int has no side effect; a port it reads is a number or a numeric string, which is
  -- neither an unknown nor a reference (is_unknown, whose side effect matters, is skipped only then)
  local lo, hi = to_int(f), to_int(t)
  local fu = lo == nil and (is_unknown(f) or deploy_time(f))
  local tu = hi == nil and (is_unknown(t) or deploy_time(t))
  local proto = PROTO_STR[pv]
  if proto == nil then
    if is_unknown(pv) or deploy_time(pv) then res.ports_unknown = true; return res end
    proto = protocol(pv)
    if proto == nil then
      res.bad, res.key = "IpProtocol is " .. describe(pv) .. ", not a protocol", "IpProtocol"
      return res
    end
  end
  if proto == "icmp" or proto == "icmpv6" or proto == "other" then return nil end
  res.proto, res.proto_raw = proto, PROTO_STR[pv] and pv or to_str(pv)
  if proto == "all" then res.lo, res.hi = 0, 65535; return res end
  if fu or tu then res.ports_unknown = true; return res end
  if (f ~= nil and lo == nil) or (t ~= nil and hi == nil) then
    local k = (f ~= nil and lo == nil) and "FromPort" or "ToPort"
    res.bad, res.key = k .. " is " .. describe(e[k]) .. ", not a port number", k
    return res
  end
  -- Absent or -1 means every port; a reversed range is read as the ports between the two.
  if lo == nil or lo == -1 then lo = 0 end
  if hi == nil or hi == -1 then hi = 65535 end
  if lo > hi then lo, hi = hi, lo end
  res.lo, res.hi = lo, hi
  return res
end

-- The subject of an "opens …" message: "SecurityGroupIngress[2] " or, for a standalone
-- AWS::EC2::SecurityGroupIngress, "This ingress rule ".
local function opener(where)
  return where == "" and "This ingress rule " or where
end

local function describe_ports(a)
  if a.proto == "all" then
    return "all protocols and ports (IpProtocol " .. tostring(a.proto_raw) .. ")"
  elseif a.lo == a.hi then
    return format("port %d/%s", a.lo, a.proto)
  elseif a.lo == 0 and a.hi == 65535 then
    return "every " .. a.proto .. " port"
  end
  return format("ports %d-%d/%s", a.lo, a.hi, a.proto)
end

-- "SecurityGroupIngress[i-1] " for the first entries, made once (module-private).
local WHERE = {}

-- Calls fn(entry, where, node, key_or_index) for every ingress entry of r. Malformed shapes go
-- to on_bad(message, node, key) and unresolvable lists to on_unknown(message, node, key).
local function each_entry(r, fn, on_bad, on_unknown)
  local p = r.properties
  if r.type == "AWS::EC2::SecurityGroupIngress" then
    return fn(p, "", p)
  end
  local list = p.SecurityGroupIngress
  if list == nil then return end
  if is_unknown(list) then
    return on_unknown("SecurityGroupIngress depends on a value Parapet cannot resolve", p,
                      "SecurityGroupIngress")
  end
  if not is_list(list) then
    return on_bad("SecurityGroupIngress is " .. describe(list) .. ", not a list of rules", p,
                  "SecurityGroupIngress")
  end
  -- Not ipairs: each of its steps is a C call, and it stops at the first nil, which an entry
  -- can be in one world (Fn::If with AWS::NoValue) while the entries after it still count.
  for i = 1, #list do
    local e = list[i]
    if e == nil then goto continue end
    local where = WHERE[i]
    if where == nil then
      where = format("SecurityGroupIngress[%d] ", i - 1)
      if i <= 64 then WHERE[i] = where end
    end
    -- an object view first (is_unknown of one is false and has no side effect)
    if is_map(e) then
      fn(e, where, e)
    elseif is_unknown(e) then
      on_unknown(where .. "depends on a value Parapet cannot resolve", list, i)
    else
      on_bad(where .. "is " .. describe(e) .. ", not a rule object", list, i)
    end
    ::continue::
  end
end

return {
  PORT_NAMES = PORT_NAMES,
  admin_db_ports = admin_db_ports,
  is_list = is_list,
  describe = describe,
  port_set = port_set,
  sorted_keys = sorted_keys,
  protocol = protocol,
  is_world = is_world,
  analyze = analyze,
  opener = opener,
  describe_ports = describe_ports,
  each_entry = each_entry,
}
