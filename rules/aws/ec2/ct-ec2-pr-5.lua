-- CT.EC2.PR.5: network ACL entries that allow ingress from 0.0.0.0/0 or ::/0 must not cover
-- port 22 (tcp) or port 3389 (tcp/udp), and must not allow every protocol.
local g = pp.lib("guard")
local in1 = g.in1
local gin = g.gin
local not_true = g.is_false
local str_eq = g.eq_all
local show = g.show

local is_list = pp.is_list

local is_struct = pp.is_map

-- Guard `v not in set`: scalars of another type are "not in"; a list needs at least one
-- element and no element in the set
local function gnotin(v, set)
  if v == nil then return false end
  if pp.is_view(v) then
    if not is_list(v) then return true end
    if #v == 0 then return false end
    for i = 1, #v do if in1(v[i], set) then return false end end
    return true
  end
  return not in1(v, set)
end

local gt, lt = g.int_gt, g.int_lt

local WORLD4 = { "0.0.0.0/0" }
local WORLD6 = { "::/0" }
local ALL = { -1, "-1" }
local TCP = { 6, "6" }
local TCP_UDP = { 6, "6", 17, "17" }

-- nil when the port range leaves out `port`, else a message
local function covers(p, port)
  local range = p.PortRange
  if not is_struct(range) then
    return "has no PortRange object, so it is taken to cover port " .. port
  end
  local from, to = range.From, range.To
  if from == nil or to == nil then
    return "has a PortRange without both From and To, so it is taken to cover port " .. port
  end
  if gt(from, port) or lt(to, port) then return nil end
  return "allows ports " .. show(from) .. " to " .. show(to) .. ", which includes port " .. port
end

return g.rule({ id = "ct-ec2-pr-5", types = { "AWS::EC2::NetworkAclEntry" }, noun = "network ACL entry",
  judge = function(ctx, p)
    local egress = p.Egress
    if not (egress == nil or not_true(egress))
       or not (gin(p.CidrBlock, WORLD4) or gin(p.Ipv6CidrBlock, WORLD6))
       or not str_eq(p.RuleAction, "allow") then
      return ctx.skip("the entry does not allow ingress from any address")
    end
    local proto = p.Protocol
    if proto == nil then
      return ctx.fail("The entry allows ingress from any address and has no Protocol", p)
    end
    if not gnotin(proto, ALL) then
      return ctx.fail("The entry allows every protocol (Protocol " .. show(proto) ..
                      ") from any address", p, "Protocol")
    end
    local ok = true
    if gin(proto, TCP) then
      local msg = covers(p, 22)
      if msg then ok = ctx.fail("The entry allows tcp from any address and " .. msg, p, "PortRange") end
    end
    if ok and gin(proto, TCP_UDP) then
      local msg = covers(p, 3389)
      if msg then ok = ctx.fail("The entry allows protocol " .. show(proto) .. " from any address and " .. msg, p, "PortRange") end
    end
    return ok
  end,
})
