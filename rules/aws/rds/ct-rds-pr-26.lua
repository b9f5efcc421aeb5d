-- CT.RDS.PR.26: RDS DB proxies must require TLS.
local g = pp.lib("guard")
local show = g.show
local is_true = g.is_true

return {
  id       = "ct-rds-pr-26",
  severity = "medium",
  types    = { "AWS::RDS::DBProxy" },
  packs    = { "control-tower" },
  controls = { "CT.RDS.PR.26", "rds_proxy_tls_check" },
  guard    = "rds_proxy_tls_check",
  frameworks = { "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4",
    "NIST 800-53 Rev 5:IA-5(1)", "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13",
    "NIST 800-53 Rev 5:SC-23", "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)",
    "NIST 800-53 Rev 5:SC-8", "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:2.3", "PCI DSS version 3.2.1:4.1",
    "PCI DSS version 3.2.1:8.2.1" },
  docs     = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.howitworks.html#rds-proxy-security",
  title    = "RDS DB proxies must require TLS connections",
  fix      = "Set RequireTLS: true (a boolean) on the DB proxy.",
  check = function(r, ctx)
    local p = r.properties
    if p == nil then return ctx.fail("the DB proxy has no Properties") end
    local v = p.RequireTLS
    if v == nil then
      return ctx.fail("RequireTLS is not set, so clients may connect without TLS", p)
    end
    if not is_true(v) then
      return ctx.fail("RequireTLS is " .. show(v) .. "; it must be the boolean true", p, "RequireTLS")
    end
  end,
}
