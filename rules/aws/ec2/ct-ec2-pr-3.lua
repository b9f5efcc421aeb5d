-- CT.EC2.PR.3: security group rules open to 0.0.0.0/0, ::/0 or a prefix list may only reach the
-- authorized ports (80 and 443 by default) over tcp/udp, or use icmp/icmpv6.
local g = pp.lib("guard")
local gin, same, show = g.gin, g.same, g.show
local is_list = pp.is_list

local function ports_text(allowed)
  local t = {}
  for i = 1, #allowed do t[i] = tostring(allowed[i]) end
  return table.concat(t, ", ")
end

return pp.lib("guard_sg").world_ingress_rule({
  id     = "ct-ec2-pr-3",
  params = { authorized_ports = { 80, 443 } },
  param  = "authorized_ports",
  ports  = function(from, to, allowed)
    -- `FromPort in ToPort`: membership when ToPort is a list, else plain equality of scalars
    local same_port
    if is_list(to) then same_port = gin(from, to) else same_port = not is_list(from) and same(from, to) end
    if not (gin(from, allowed) and gin(to, allowed) and same_port) then
      return "is open to any address on ports " .. show(from) .. " to " .. show(to) ..
             "; a rule open to any address must open exactly one authorized port (" ..
             ports_text(allowed) .. ")"
    end
  end,
})
