-- CT.EC2.PR.4: security group rules open to 0.0.0.0/0, ::/0 or a prefix list must not reach
-- high-risk ports over tcp/udp, and must not allow other protocols than tcp/udp/icmp/icmpv6.
local g = pp.lib("guard")
local get = g.get
local gin = g.gin
local show = g.show
local mtype = math.type

local is_list = pp.is_list

-- Guard `v > n` / `v < n` against an integer: only integers compare; a list compares each element
local function gt(v, n)
  if mtype(v) == "integer" then return v > n end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (mtype(x) == "integer" and x > n) then return false end
  end
  return true
end

local function lt(v, n)
  if mtype(v) == "integer" then return v < n end
  if not is_list(v) then return false end
  for i = 1, #v do
    local x = v[i]
    if not (mtype(x) == "integer" and x < n) then return false end
  end
  return true
end

local WORLD4 = { "0.0.0.0/0" }
local WORLD6 = { "::/0" }
local PROTOCOLS = { "tcp", "udp", "icmp", "icmpv6" }
local PORTED = { "tcp", "udp" }

-- Returns nil when the rule is acceptable, else a message. (Like Guard's filter, a nested list
-- is looked into one level deep.)
local function check_rule(rule, blocked, nested)
  if not nested and is_list(rule) then
    for i = 1, #rule do
      local msg = check_rule(rule[i], blocked, true)
      if msg then return msg end
    end
    return nil
  end
  if not (gin(get(rule, "CidrIp"), WORLD4) or gin(get(rule, "CidrIpv6"), WORLD6)
          or get(rule, "SourcePrefixListId") ~= nil) then
    return nil
  end
  local proto = get(rule, "IpProtocol")
  if proto == nil then
    return "is open to any address and has no IpProtocol"
  end
  if not gin(proto, PROTOCOLS) then
    return "is open to any address with IpProtocol " .. show(proto) ..
           "; only tcp, udp, icmp and icmpv6 are accepted"
  end
  if gin(proto, PORTED) then
    local from, to = get(rule, "FromPort"), get(rule, "ToPort")
    if from == nil or to == nil then
      return "is open to any address over " .. show(proto) .. " without both FromPort and ToPort"
    end
    for i = 1, #blocked do
      local port = blocked[i]
      if not (gt(from, port) or lt(to, port)) then
        return "opens ports " .. show(from) .. " to " .. show(to) ..
               " to any address, which includes the high-risk port " .. tostring(port)
      end
    end
  end
  return nil
end

return {
  id       = "ct-ec2-pr-4",
  types    = { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress" },
  params   = { blocked_ports = { 3389, 20, 23, 110, 143, 3306, 8080, 1433, 9200, 9300, 25, 445, 135, 21,
                                 1434, 4333, 5432, 5500, 5601, 22, 3000, 5000, 8088, 8888 } },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the resource has no Properties") end
    local blocked = ctx.params.blocked_ports
    if r.type == "AWS::EC2::SecurityGroupIngress" then
      local msg = check_rule(p, blocked)
      if msg then return ctx.fail("The ingress rule " .. msg, p) end
      return
    end
    local rules = p.SecurityGroupIngress
    if not is_list(rules) or #rules == 0 then
      return ctx.skip("no SecurityGroupIngress rules")
    end
    local ok = true
    for i = 1, #rules do
      local msg = check_rule(rules[i], blocked)
      if msg then
        ok = ctx.fail("SecurityGroupIngress[" .. i .. "] " .. msg, rules, i)
      end
    end
    return ok
  end,
}
