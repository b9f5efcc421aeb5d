-- CT.MQ.PR.1: an Amazon MQ ActiveMQ broker is deployed across Availability Zones.
-- Guard semantics kept: applies when EngineType is "ACTIVEMQ" (exactly; a list applies when every
-- entry is, so an empty list applies); DeploymentMode must then be "ACTIVE_STANDBY_MULTI_AZ" (a list
-- passes when every entry is).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return g.rule({ id = "ct-mq-pr-1", types = { "AWS::AmazonMQ::Broker" },
  judge = function(ctx, p)
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
})
