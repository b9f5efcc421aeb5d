-- CT.MSK.PR.2: an MSK cluster's brokers are not publicly accessible.
-- Guard semantics kept: applies when BrokerNodeGroupInfo is an object; then ConnectivityInfo
-- may be absent, or an object whose PublicAccess is absent, or an object whose Type is absent
-- or "DISABLED" (a list passes when every entry is).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs
local is_view = pp.is_view

return {
  id         = "ct-msk-pr-2",
  types      = { "AWS::MSK::Cluster" },
  check = function(r, ctx)
    local bngi = r.properties.BrokerNodeGroupInfo
    if not is_view(bngi) or is_list(bngi) then return end
    local ci = bngi.ConnectivityInfo
    if ci == nil then return end
    if not is_view(ci) or is_list(ci) then
      return ctx.fail("BrokerNodeGroupInfo.ConnectivityInfo is " .. show(ci)
                      .. ", not an object", bngi, "ConnectivityInfo")
    end
    local pa = ci.PublicAccess
    if pa == nil then return end
    if not is_view(pa) or is_list(pa) then
      return ctx.fail("BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess is " .. show(pa)
                      .. ", not an object", ci, "PublicAccess")
    end
    local t = pa.Type
    if t ~= nil and not all_eq(t, "DISABLED") then
      return ctx.fail("BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type is " .. show(t)
                      .. ": the brokers can be reached from the internet", pa, "Type")
    end
  end,
}
