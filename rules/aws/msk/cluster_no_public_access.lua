-- MSK brokers get public addresses when BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type
-- is SERVICE_PROVIDED_EIPS; DISABLED (the default, also when absent) keeps them in the VPC.
local exposure = pp.lib("exposure")
local dig, path_label, describe = exposure.dig, exposure.path_label, exposure.describe
local KEYS = { "BrokerNodeGroupInfo", "ConnectivityInfo", "PublicAccess", "Type" }

return {
  id = "msk-cluster-no-public-access",
  types = { "AWS::MSK::Cluster" },
  related = { "CT.MSK.PR.2" },
  check = function(r, ctx)
    local v, state, holder, key, depth = dig(r.properties, KEYS)
    local label = path_label(KEYS, depth)
    if state == "absent" then return true end
    if state == "unknown" then
      return ctx.unknown(label .. " depends on a value Parapet cannot resolve", holder, key)
    end
    if state == "bad" then
      return ctx.fail(label .. " is " .. describe(holder[key]) .. ", not an object", holder, key)
    end
    local s = pp.str(v)
    if s and string.upper(s) == "SERVICE_PROVIDED_EIPS" then
      return ctx.fail(label .. " is " .. s .. ": the brokers have public IP addresses", holder, key)
    end
  end,
}
