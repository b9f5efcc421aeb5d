-- World ingress to administration and database ports, at critical severity.
--
-- One ingress entry yields one finding at the right severity: this rule owns every world-open
-- entry whose port range covers a port of `admin_db_ports` (and entries whose protocol or ports
-- cannot be resolved, and malformed ones); ec2-sg-world-ingress-allowed-ports-only owns the
-- world-open entries that cover only other ports outside `allowed_ports`. Both rules carry the
-- same `admin_db_ports` default; set it for both when you change it.
--
-- "World" is 0.0.0.0/0 or ::/0 in CidrIp / CidrIpv6; with `min_prefix` (IPv4) or
-- `min_prefix_v6` (IPv6) set, any shorter prefix counts as the world too (both unset by
-- default). IpProtocol -1/"all" covers every port; tcp/udp (or 6/17) cover FromPort..ToPort,
-- with -1 or an absent bound meaning all; icmp, icmpv6 and other protocols have no ports and
-- are not judged here. Source security groups and prefix lists are never the world.
--
-- A SecurityGroupIngress that is not a list, or an entry that is not an object, is rejected by
-- CloudFormation and cannot be read: this rule fails it (fail closed) with a message saying so.
--
-- Default admin_db_ports: remote administration 22 SSH, 23 Telnet, 3389 RDP, 5900 VNC,
-- 5985/5986 WinRM, 2375/2376 Docker API; file sharing 445 SMB, 2049 NFS; databases and caches
-- 1433 SQL Server, 1521 Oracle, 3306 MySQL/MariaDB/Aurora, 5432 PostgreSQL, 5439 Redshift,
-- 6379 Redis, 9042 Cassandra, 11211 Memcached, 27017 MongoDB, 9200/9300 Elasticsearch/OpenSearch.
-- The reading of ingress entries is shared with the other ingress rule: rules/lib/ingress.lua.
local ingress = pp.lib("ingress")
local PORT_NAMES = ingress.PORT_NAMES
local port_set = ingress.port_set
local sorted_keys = ingress.sorted_keys
local analyze = ingress.analyze
local opener = ingress.opener
local describe_ports = ingress.describe_ports
local each_entry = ingress.each_entry

-- Up to six covered admin/db ports, named, for the message.
local function covered_text(list)
  local parts = {}
  for i, port in ipairs(list) do
    if i > 6 then
      parts[#parts + 1] = string.format("and %d more admin/database ports", #list - 6)
      break
    end
    parts[#parts + 1] = PORT_NAMES[port] and string.format("%d (%s)", port, PORT_NAMES[port])
                        or tostring(port)
  end
  return table.concat(parts, ", ")
end

local derived = {}

return {
  id = "ec2-sg-no-world-admin-db-ports",
  types = { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress" },
  related = { "CT.EC2.PR.4", "CT.EC2.PR.3" },
  params = {
    admin_db_ports = ingress.admin_db_ports(),
    -- min_prefix = 16,      -- IPv4 prefixes shorter than this count as the world (unset)
    -- min_prefix_v6 = 48,   -- the same for IPv6 (unset)
  },
  check = function(r, ctx)
    local params = ctx.params
    -- ctx.params is the same table on every call: derive the port list once per params
    if params ~= derived.params then
      derived.params = params
      derived.admin_set = port_set(params.admin_db_ports)
      derived.admin_list = sorted_keys(derived.admin_set)
    end
    local admin_list, admin_set = derived.admin_list, derived.admin_set
    each_entry(r, function(e, where, node)
      local a = analyze(e, params)
      if a == nil then return end
      local key = a.src_key
      if a.bad then
        return ctx.fail(where .. a.bad, node, a.key)
      end
      local src = a.src or (key .. " (unresolved)")
      if a.ports_unknown then
        return ctx.unknown(opener(where) .. "opens ports Parapet cannot resolve (IpProtocol/FromPort/"
                           .. "ToPort) to " .. src, node, key)
      end
      local covered
      local lo, hi = a.lo, a.hi
      if lo == hi then   -- one port: a look-up instead of a walk of the list
        if not admin_set[lo] then return end
        covered = { lo }
      else
        covered = {}
        for i = 1, #admin_list do
          local port = admin_list[i]
          if port >= lo and port <= hi then covered[#covered + 1] = port end
        end
        if #covered == 0 then return end
      end
      local what = describe_ports(a)
      local including = ""
      if a.lo == a.hi and PORT_NAMES[a.lo] then
        what = what .. " (" .. PORT_NAMES[a.lo] .. ")"
      elseif a.lo ~= a.hi then
        including = ", including " .. covered_text(covered)
      end
      if a.src then
        return ctx.fail(opener(where) .. "opens " .. what .. " to " .. a.src .. " (" .. key .. ")"
                        .. including, node, key)
      end
      return ctx.unknown(opener(where) .. "opens " .. what .. " to " .. key
                         .. ", whose value Parapet cannot resolve" .. including .. "; it fails if that is the internet",
                         node, key)
    end,
    function(msg, node, key) ctx.fail(msg, node, key) end,
    function(msg, node, key) ctx.unknown(msg, node, key) end)
  end,
}
