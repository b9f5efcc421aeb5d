-- CT.RDS.PR.17: RDS event subscriptions for source type db-instance must be enabled and, when they
-- filter categories, include maintenance, failure and configuration change.
return pp.lib("guard_rds").event_subscription_rule({
  id = "ct-rds-pr-17", source = "db-instance",
  required = { "maintenance", "failure", "configuration change" },
})
