-- CT.ELASTICLOADBALANCING.PR.13 (elb_cross_zone_load_balancing_enabled_check): Classic Load Balancers balance load across zones.
local g = pp.lib("guard")
local all_true = g.is_true

return {
  id         = "ct-elasticloadbalancing-pr-13",
  title      = "Classic Load Balancers balance load across zones",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.13", "elb_cross_zone_load_balancing_enabled_check" },
  guard      = "elb_cross_zone_load_balancing_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)", "NIST 800-53 Rev 5:SC-36",
    "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-13(5)",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/enable-disable-crosszone-lb.html#enable-cross-zone",
  fix        = "Set CrossZone to true (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local v = p.CrossZone
    if v == nil then
      return ctx.fail("CrossZone is missing", p)
    end
    if not all_true(v) then
      return ctx.fail("CrossZone is " .. tostring(v) .. ", not true", p, "CrossZone")
    end
  end,
}
