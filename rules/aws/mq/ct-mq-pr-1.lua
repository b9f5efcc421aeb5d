-- CT.MQ.PR.1: an Amazon MQ ActiveMQ broker is deployed across Availability Zones.
-- Guard semantics kept: applies when EngineType is "ACTIVEMQ" (exactly; a list applies when every
-- entry is, so an empty list applies); DeploymentMode must then be "ACTIVE_STANDBY_MULTI_AZ" (a list
-- passes when every entry is).
return pp.lib("guard_mq").deployment_mode_rule({ id = "ct-mq-pr-1", engine = "ACTIVEMQ", mode = "ACTIVE_STANDBY_MULTI_AZ" })
