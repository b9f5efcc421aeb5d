-- CT.APPSYNC.PR.2: a GraphQL API has private visibility.
-- Guard semantics kept: Visibility must be present and "PRIVATE" (a list passes when every
-- entry is, so an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs

return {
  title      = "AppSync GraphQL APIs are private",
  id         = "ct-appsync-pr-2",
  severity   = "medium",
  types      = { "AWS::AppSync::GraphQLApi" },
  packs      = { "control-tower" },
  controls   = { "CT.APPSYNC.PR.2", "appsync_api_private_visibility_check" },
  guard      = "appsync_api_private_visibility_check",
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
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6"
  },
  docs       = "https://docs.aws.amazon.com/appsync/latest/devguide/using-private-apis.html",
  fix        = "Set Visibility to PRIVATE so the API is reachable only from your VPC endpoints.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.Visibility
    if v == nil then
      return ctx.fail("Visibility is missing (the default is GLOBAL): set it to PRIVATE", p)
    end
    if not all_eq(v, "PRIVATE") then
      return ctx.fail("Visibility is " .. show(v) .. ": set it to PRIVATE", p, "Visibility")
    end
  end,
}
