-- CT.RDS.PR.12: RDS event subscriptions for source type db-cluster must be enabled and, when they
-- filter categories, include maintenance and failure.
return pp.lib("guard_rds").event_subscription_rule({
  id = "ct-rds-pr-12", source = "db-cluster", required = { "maintenance", "failure" },
})
