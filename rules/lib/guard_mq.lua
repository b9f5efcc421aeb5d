-- The Amazon MQ controls that want a broker of one engine deployed across Availability Zones
-- (CT.MQ.PR.1 for ActiveMQ, PR.2 for RabbitMQ): a broker whose EngineType is spec.engine (eq_ipairs:
-- a list when every entry is, so an empty list) must have DeploymentMode spec.mode (eq_ipairs);
-- other brokers pass.
local g = pp.lib("guard")
local eq_ipairs = g.eq_ipairs

local function deployment_mode_rule(spec)
  local engine, mode = spec.engine, spec.mode
  return g.props_rule({ id = spec.id, types = { "AWS::AmazonMQ::Broker" },
    when = function(p)
      local e = p.EngineType
      return e ~= nil and eq_ipairs(e, engine)
    end,
    props = { { key = "DeploymentMode", missing = "DeploymentMode is missing: set it to " .. mode,
                ok = function(v) return eq_ipairs(v, mode) end, bad = ": set it to " .. mode } } })
end

return { deployment_mode_rule = deployment_mode_rule }
