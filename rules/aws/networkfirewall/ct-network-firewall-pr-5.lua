-- CT.NETWORK-FIREWALL.PR.5: a firewall spans at least two subnets (Availability Zones).
-- Guard semantics kept: SubnetMappings must be a list with at least two entries.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show

return {
  title      = "Network Firewall firewalls are deployed in at least two subnets",
  id         = "ct-network-firewall-pr-5",
  severity   = "medium",
  types      = { "AWS::NetworkFirewall::Firewall" },
  packs      = { "control-tower" },
  controls   = { "CT.NETWORK-FIREWALL.PR.5", "netfw_multi_az_enabled_check" },
  guard      = "netfw_multi_az_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:SC-36", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SI-13(5)"
  },
  docs       = "https://docs.aws.amazon.com/network-firewall/latest/developerguide/vpc-config.html",
  fix        = "List at least two SubnetMappings, each in a different Availability Zone, so the "
            .. "firewall can fail over.",
  check = function(r, ctx)
    local p = r.properties
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
}
