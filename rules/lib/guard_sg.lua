-- Shared by the Control Tower security-group rules CT.EC2.PR.3 and .4 (rules/aws/ec2/).
--
--   world_ingress_rule(spec)  the rule of AWS::EC2::SecurityGroup (its SecurityGroupIngress list;
--                    SKIP without a non-empty one) and AWS::EC2::SecurityGroupIngress: every
--                    ingress rule open to 0.0.0.0/0, ::/0 or a prefix list (like Guard's filter,
--                    a nested list is looked into one level deep) must name an IpProtocol among
--                    tcp, udp, icmp and icmpv6; for tcp and udp, FromPort and ToPort must both
--                    be set and spec.ports(from, to, list) — list is ctx.params[spec.param] —
--                    returns nil, or the rest of the FAIL message. spec.params are the rule's.
local g = pp.lib("guard")
local get, gin, show = g.get, g.gin, g.show
local is_list = pp.is_list

local WORLD4 = { "0.0.0.0/0" }
local WORLD6 = { "::/0" }
local PROTOCOLS = { "tcp", "udp", "icmp", "icmpv6" }
local PORTED = { "tcp", "udp" }

local function check_rule(rule, ports, list, nested)
  if not nested and is_list(rule) then
    for i = 1, #rule do
      local msg = check_rule(rule[i], ports, list, true)
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
    return ports(from, to, list)
  end
  return nil
end

local function world_ingress_rule(spec)
  local ports, param = spec.ports, spec.param
  return {
    id = spec.id,
    types = { "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress" },
    params = spec.params,
    check = function(r, ctx)
      local p = r.properties
      if p == nil then return ctx.fail("the resource has no Properties") end
      local list = ctx.params[param]
      if r.type == "AWS::EC2::SecurityGroupIngress" then
        local msg = check_rule(p, ports, list)
        if msg then return ctx.fail("The ingress rule " .. msg, p) end
        return
      end
      local rules = p.SecurityGroupIngress
      if not is_list(rules) or #rules == 0 then
        return ctx.skip("no SecurityGroupIngress rules")
      end
      local ok = true
      for i = 1, #rules do
        local msg = check_rule(rules[i], ports, list)
        if msg then
          ok = ctx.fail("SecurityGroupIngress[" .. i .. "] " .. msg, rules, i)
        end
      end
      return ok
    end,
  }
end

return { world_ingress_rule = world_ingress_rule }
