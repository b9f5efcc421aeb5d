-- CT.RDS.PR.26: RDS DB proxies must require TLS.
local g, rds = pp.lib("guard"), pp.lib("guard_rds")
return rds.rule({ id = "ct-rds-pr-26", type = "AWS::RDS::DBProxy",
  props = { { key = "RequireTLS", ok = g.is_true, bad = "; it must be the boolean true",
    missing = "RequireTLS is not set, so clients may connect without TLS" } } })
