-- A Fargate AWS Batch job definition with ContainerProperties.NetworkConfiguration.AssignPublicIp
-- ENABLED gives every job's task a public IPv4 address (absent is DISABLED). Multi-node and EC2
-- job definitions take their addressing from the compute environment's subnets and launch
-- template, which the subnet and launch-template rules judge.
local exposure = pp.lib("exposure")
local dig, path_label = exposure.dig, exposure.path_label
local KEYS = { "ContainerProperties", "NetworkConfiguration", "AssignPublicIp" }

return {
  id = "batch-job-no-public-ip",
  types = { "AWS::Batch::JobDefinition" },
  check = function(r, ctx)
    local v, state, holder, key, depth = dig(r.properties, KEYS)
    if state == "absent" or state == "bad" then return true end
    if state == "unknown" then
      return ctx.unknown(path_label(KEYS, depth) .. " depends on a value Parapet cannot resolve", holder, key)
    end
    local s = pp.str(v)
    if s and string.upper(s) == "ENABLED" then
      return ctx.fail(path_label(KEYS) .. " is " .. s .. ": every job gets a public IPv4 address", holder, key)
    end
  end,
}
