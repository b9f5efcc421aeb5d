-- CT.RDS.PR.18: RDS event subscriptions for source type db-parameter-group must be enabled and, when they
-- filter categories, include configuration change.
return pp.lib("guard_rds").event_subscription_rule({
  id = "ct-rds-pr-18", source = "db-parameter-group", required = { "configuration change" },
})
