-- CT.MQ.PR.1: an Amazon MQ ActiveMQ broker is deployed across Availability Zones.
-- Guard semantics kept: applies when EngineType is "ACTIVEMQ" (exactly; a list applies when every
-- entry is, so an empty list applies); DeploymentMode must then be "ACTIVE_STANDBY_MULTI_AZ" (a list
-- passes when every entry is).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return {
  title      = "Amazon MQ ActiveMQ brokers use active/standby deployment",
  id         = "ct-mq-pr-1",
  severity   = "low",
  types      = { "AWS::AmazonMQ::Broker" },
  packs      = { "control-tower" },
  controls   = { "CT.MQ.PR.1", "mq_active_deployment_mode_check" },
  guard      = "mq_active_deployment_mode_check",
  frameworks = {
    "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:SC-36", "NIST 800-53 Rev 5:SC-5(2)",
    "NIST 800-53 Rev 5:SI-13(5)"
  },
  docs       = "https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/active-standby-broker-deployment.html",
  fix        = "Set DeploymentMode to ACTIVE_STANDBY_MULTI_AZ.",
  check = function(r, ctx)
    local p = r.properties
    local engine = p.EngineType
    if engine == nil or not all_eq(engine, "ACTIVEMQ") then return end
    local mode = p.DeploymentMode
    if mode == nil then
      return ctx.fail("DeploymentMode is missing: set it to ACTIVE_STANDBY_MULTI_AZ", p)
    end
    if not all_eq(mode, "ACTIVE_STANDBY_MULTI_AZ") then
      return ctx.fail("DeploymentMode is " .. show(mode) .. ": set it to ACTIVE_STANDBY_MULTI_AZ", p,
                      "DeploymentMode")
    end
  end,
}
