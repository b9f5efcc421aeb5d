-- CT.LAMBDA.PR.4: a Lambda layer permission is limited to an organization or an account.
-- Guard semantics kept: without OrganizationId, Principal must be a non-blank string other
-- than "*"; with OrganizationId (any type), OrganizationId must be a non-blank string.
local g = pp.lib("guard")
local show = g.show
local nonblank = g.nonblank

return g.rule({ id = "ct-lambda-pr-4", types = { "AWS::Lambda::LayerVersionPermission" },
  judge = function(ctx, p)
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
})
