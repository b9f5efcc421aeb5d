-- CT.MQ.PR.2: an Amazon MQ RabbitMQ broker is deployed across Availability Zones.
-- Guard semantics kept: applies when EngineType is "RABBITMQ" (exactly; a list applies when every
-- entry is, so an empty list applies); DeploymentMode must then be "CLUSTER_MULTI_AZ" (a list
-- passes when every entry is).
return pp.lib("guard_mq").deployment_mode_rule({ id = "ct-mq-pr-2", engine = "RABBITMQ", mode = "CLUSTER_MULTI_AZ" })
