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
  title      = "MSK cluster brokers are not publicly accessible",
  id         = "ct-msk-pr-2",
  severity   = "high",
  types      = { "AWS::MSK::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.MSK.PR.2", "msk_public_access_check" },
  guard      = "msk_public_access_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-4",
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)",
    "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
    "PCI DSS version 3.2.1:2.2.2"
  },
  docs       = "https://docs.aws.amazon.com/msk/latest/developerguide/public-access.html",
  fix        = "Leave BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type out or set it to "
            .. "DISABLED.",
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
