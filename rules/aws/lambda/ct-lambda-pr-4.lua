-- CT.LAMBDA.PR.4: a Lambda layer permission is limited to an organization or an account.
-- Guard semantics kept: without OrganizationId, Principal must be a non-blank string other
-- than "*"; with OrganizationId (any type), OrganizationId must be a non-blank string.
local g = pp.lib("guard")
local nonblank, show, check_props = g.nonblank, g.show, g.check_props

local ORGANIZATION = { { key = "OrganizationId", ok = nonblank, bad = ", not an organization id" } }
local PRINCIPAL = { {
  key = "Principal", missing = "Principal is missing and no OrganizationId limits the layer",
  ok = function(v) return nonblank(v) and v ~= "*" end,
  bad = function(v)
    if not nonblank(v) then return "Principal is " .. show(v) .. ", not an account id" end
    return "Principal is \"*\" without OrganizationId: every AWS account may use the layer"
  end,
} }

return g.rule({ id = "ct-lambda-pr-4", types = { "AWS::Lambda::LayerVersionPermission" },
  judge = function(ctx, p)
    if p.OrganizationId ~= nil then return check_props(ctx, p, ORGANIZATION) end
    return check_props(ctx, p, PRINCIPAL)
  end,
})
