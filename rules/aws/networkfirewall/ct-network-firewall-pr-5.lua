-- CT.NETWORK-FIREWALL.PR.5: a firewall spans at least two subnets (Availability Zones).
-- Guard semantics kept: SubnetMappings must be a list with at least two entries.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show

return g.rule({ id = "ct-network-firewall-pr-5", types = { "AWS::NetworkFirewall::Firewall" },
  judge = function(ctx, p)
    local m = p.SubnetMappings
    if m == nil then
      return ctx.fail("SubnetMappings is missing", p)
    end
    if not is_list(m) then
      return ctx.fail("SubnetMappings is " .. show(m) .. ", not a list", p, "SubnetMappings")
    end
    if #m < 2 then
      return ctx.fail("SubnetMappings has " .. #m .. " entr" .. (#m == 1 and "y" or "ies")
                      .. ": a single Availability Zone has no failover", p, "SubnetMappings")
    end
  end,
})
