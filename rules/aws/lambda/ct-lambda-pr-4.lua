-- CT.LAMBDA.PR.4: a Lambda layer permission is limited to an organization or an account.
-- Guard semantics kept: without OrganizationId, Principal must be a non-blank string other
-- than "*"; with OrganizationId (any type), OrganizationId must be a non-blank string.
local g = pp.lib("guard")
local show = g.show
local nonblank = g.nonblank

return {
  title      = "Lambda layer permissions are limited to an organization or an account",
  id         = "ct-lambda-pr-4",
  severity   = "critical",
  types      = { "AWS::Lambda::LayerVersionPermission" },
  packs      = { "control-tower" },
  controls   = { "CT.LAMBDA.PR.4", "lambda_layer_public_access_prohibited_check" },
  guard      = "lambda_layer_public_access_prohibited_check",
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
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:2.2.2"
  },
  docs       = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-layers.html",
  fix        = "Set OrganizationId to your AWS organization id, or set Principal to a single "
            .. "AWS account id instead of '*'.",
  check = function(r, ctx)
    local p = r.properties
    local org = p.OrganizationId
    if org ~= nil then
      if not nonblank(org) then
        return ctx.fail("OrganizationId is " .. show(org) .. ", not an organization id", p,
                        "OrganizationId")
      end
      return
    end
    local principal = p.Principal
    if principal == nil then
      return ctx.fail("Principal is missing and no OrganizationId limits the layer", p)
    end
    if not nonblank(principal) then
      return ctx.fail("Principal is " .. show(principal) .. ", not an account id", p,
                      "Principal")
    end
    if principal == "*" then
      return ctx.fail("Principal is \"*\" without OrganizationId: every AWS account may use "
                      .. "the layer", p, "Principal")
    end
  end,
}
