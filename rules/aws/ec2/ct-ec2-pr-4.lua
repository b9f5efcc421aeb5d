-- CT.EC2.PR.4: security group rules open to 0.0.0.0/0, ::/0 or a prefix list must not reach
-- high-risk ports over tcp/udp, and must not allow other protocols than tcp/udp/icmp/icmpv6.
local g = pp.lib("guard")
local gt, lt, show = g.int_gt, g.int_lt, g.show

return pp.lib("guard_sg").world_ingress_rule({
  id     = "ct-ec2-pr-4",
  params = { blocked_ports = { 3389, 20, 23, 110, 143, 3306, 8080, 1433, 9200, 9300, 25, 445, 135, 21,
                               1434, 4333, 5432, 5500, 5601, 22, 3000, 5000, 8088, 8888 } },
  param  = "blocked_ports",
  ports  = function(from, to, blocked)
    for i = 1, #blocked do
      local port = blocked[i]
      if not (gt(from, port) or lt(to, port)) then
        return "opens ports " .. show(from) .. " to " .. show(to) ..
               " to any address, which includes the high-risk port " .. tostring(port)
      end
    end
  end,
})
