-- CT.RDS.PR.19: RDS event subscriptions for source type db-security-group must be enabled and, when they
-- filter categories, include failure and configuration change.
return pp.lib("guard_rds").event_subscription_rule({
  id = "ct-rds-pr-19", source = "db-security-group", required = { "failure", "configuration change" },
})
