-- CT.EC2.PR.3: security group rules open to 0.0.0.0/0, ::/0 or a prefix list may only reach the
-- authorized ports (80 and 443 by default) over tcp/udp, or use icmp/icmpv6.
local g = pp.lib("guard")
local get = g.get
local same = g.same
local gin = g.gin
local show = g.show

local is_list = pp.is_list

local WORLD4 = { "0.0.0.0/0" }
local WORLD6 = { "::/0" }
local PROTOCOLS = { "tcp", "udp", "icmp", "icmpv6" }
local PORTED = { "tcp", "udp" }

local function ports_text(allowed)
  local t = {}
  for i = 1, #allowed do t[i] = tostring(allowed[i]) end
  return table.concat(t, ", ")
end

-- Returns nil when the rule is acceptable, else a message. (Like Guard's filter, a nested list
-- is looked into one level deep.)
local function check_rule(rule, allowed, nested)
  if not nested and is_list(rule) then
    for i = 1, #rule do
      local msg = check_rule(rule[i], allowed, true)
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
    -- `FromPort in ToPort`: membership when ToPort is a list, else plain equality of scalars
    local same_port
    if is_list(to) then same_port = gin(from, to) else same_port = not is_list(from) and same(from, to) end
    if not (gin(from, allowed) and gin(to, allowed) and same_port) then
      return "is open to any address on ports " .. show(from) .. " to " .. show(to) ..
             "; a rule open to any address must open exactly one authorized port (" ..
             ports_text(allowed) .. ")"
    end
  end
  return nil
end

return {
  id       = "ct-ec2-pr-3",
  types    = { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress" },
  params   = { authorized_ports = { 80, 443 } },
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the resource has no Properties") end
    local allowed = ctx.params.authorized_ports
    if r.type == "AWS::EC2::SecurityGroupIngress" then
      local msg = check_rule(p, allowed)
      if msg then return ctx.fail("The ingress rule " .. msg, p) end
      return
    end
    local rules = p.SecurityGroupIngress
    if not is_list(rules) or #rules == 0 then
      return ctx.skip("no SecurityGroupIngress rules")
    end
    local ok = true
    for i = 1, #rules do
      local msg = check_rule(rules[i], allowed)
      if msg then
        ok = ctx.fail("SecurityGroupIngress[" .. i .. "] " .. msg, rules, i)
      end
    end
    return ok
  end,
}
