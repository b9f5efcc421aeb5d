-- World ingress on ports other than the allowed ones (80 and 443 by default), at high severity.
--
-- One ingress entry yields one finding at the right severity: an entry whose port range covers
-- any of `admin_db_ports` is left to ec2-sg-no-world-admin-db-ports (critical), and so are
-- entries whose protocol or ports cannot be resolved and malformed entries; this rule reports
-- world-open entries that cover only other ports, at least one of them outside `allowed_ports`.
-- Keep `admin_db_ports` equal to the other rule's (same default) so nothing falls between them.
--
-- "World" is 0.0.0.0/0 or ::/0 (plus, with `min_prefix` / `min_prefix_v6` set, any shorter IPv4
-- / IPv6 prefix). IpProtocol -1/"all" covers every port; tcp/udp (or 6/17) cover
-- FromPort..ToPort, -1 or an absent bound meaning all; icmp, icmpv6 and other protocols have no
-- ports and are not judged (ICMP is not a port).
-- The reading of ingress entries is shared with the other ingress rule: rules/lib/ingress.lua.
local ingress = pp.lib("ingress")
local port_set = ingress.port_set
local sorted_keys = ingress.sorted_keys
local analyze = ingress.analyze
local opener = ingress.opener
local describe_ports = ingress.describe_ports
local each_entry = ingress.each_entry

local derived = {}

return {
  id = "ec2-sg-world-ingress-allowed-ports-only",
  types = { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress" },
  related = { "CT.EC2.PR.3" },
  params = {
    allowed_ports  = { 80, 443 },
    admin_db_ports = ingress.admin_db_ports(),
    -- min_prefix = 16,      -- IPv4 prefixes shorter than this count as the world (unset)
    -- min_prefix_v6 = 48,   -- the same for IPv6 (unset)
  },
  check = function(r, ctx)
    local params = ctx.params
    -- ctx.params is the same table on every call: derive the port sets once per params
    if params ~= derived.params then
      derived.params = params
      derived.allowed = port_set(params.allowed_ports)
      derived.admin = port_set(params.admin_db_ports)
      local excluded = {}         -- ports either allowed or owned by the critical rule
      for k in pairs(derived.allowed) do excluded[k] = true end
      for k in pairs(derived.admin) do excluded[k] = true end
      derived.excluded = excluded
      -- sorted arrays, walked with numeric loops below: a pairs() step is a C call
      derived.admin_list = sorted_keys(derived.admin)
      derived.excluded_list = sorted_keys(excluded)
      local text = table.concat(sorted_keys(derived.allowed), ", ")
      derived.allowed_text = text == "" and "none" or text
    end
    local admin_list, excluded_list = derived.admin_list, derived.excluded_list
    local allowed_text = derived.allowed_text
    each_entry(r, function(e, where, node)
      local a = analyze(e, params)
      if a == nil or a.bad or a.ports_unknown then return end
      local lo, hi = a.lo, a.hi
      if lo == hi then   -- one port: look-ups instead of walks of the lists
        if derived.admin[lo] or derived.excluded[lo] then return end
        lo = nil
      end
      for i = 1, lo and #admin_list or 0 do
        local port = admin_list[i]
        if port >= lo and port <= hi then return end
      end
      if lo then
        local inside = 0
        for i = 1, #excluded_list do
          local port = excluded_list[i]
          if port >= lo and port <= hi then inside = inside + 1 end
        end
        if inside == a.hi - a.lo + 1 then return end
      end
      local key = a.src_key
      local what = describe_ports(a)
      if a.src then
        return ctx.fail(opener(where) .. "opens " .. what .. " to " .. a.src .. " (" .. key
                        .. "); only " .. allowed_text .. " may be open to the internet", node, key)
      end
      return ctx.unknown(opener(where) .. "opens " .. what .. " to " .. key
                         .. ", whose value Parapet cannot resolve; it fails if that is the "
                         .. "internet (only "
                         .. allowed_text .. " may be)", node, key)
    end,
    function() end,   -- malformed shapes: reported by ec2-sg-no-world-admin-db-ports
    function() end)   -- unresolvable lists: likewise
  end,
}
