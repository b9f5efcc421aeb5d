-- CT.MQ.PR.2: an Amazon MQ RabbitMQ broker is deployed across Availability Zones.
-- Guard semantics kept: applies when EngineType is "RABBITMQ" (exactly; a list applies when every
-- entry is, so an empty list applies); DeploymentMode must then be "CLUSTER_MULTI_AZ" (a list
-- passes when every entry is).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return {
  title      = "Amazon MQ RabbitMQ brokers use cluster deployment",
  id         = "ct-mq-pr-2",
  severity   = "low",
  types      = { "AWS::AmazonMQ::Broker" },
  packs      = { "control-tower" },
  controls   = { "CT.MQ.PR.2", "mq_rabbit_deployment_mode_check" },
  guard      = "mq_rabbit_deployment_mode_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:SC-36", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SI-13(5)"
  },
  docs       = "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-broker-architecture-cluster.html",
  fix        = "Set DeploymentMode to CLUSTER_MULTI_AZ.",
  check = function(r, ctx)
    local p = r.properties
    local engine = p.EngineType
    if engine == nil or not all_eq(engine, "RABBITMQ") then return end
    local mode = p.DeploymentMode
    if mode == nil then
      return ctx.fail("DeploymentMode is missing: set it to CLUSTER_MULTI_AZ", p)
    end
    if not all_eq(mode, "CLUSTER_MULTI_AZ") then
      return ctx.fail("DeploymentMode is " .. show(mode) .. ": set it to CLUSTER_MULTI_AZ", p,
                      "DeploymentMode")
    end
  end,
}
