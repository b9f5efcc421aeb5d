-- CT.LAMBDA.PR.2: a Lambda permission must not open the function to everyone.
-- Guard semantics kept: a list Principal is compared element by element (an empty list
-- counts as both "*" and a service principal), "twelve digits anywhere" marks an account or
-- IAM principal, the condition keys must be non-blank strings (SourceArn may instead be a
-- Ref/GetAtt of a resource in this template), and a Properties-less resource fails.
local g = pp.lib("guard")
local show = g.show
local nonblank = g.nonblank
local type, find = type, string.find
local is_view, ipairs = pp.is_view, ipairs

-- Guard's `v == x` / `v != x`: a list passes when every element does (so [] always passes).
local every = g.all_ipairs

local function is_star(e) return e == "*" end

-- Neither "*" nor anything containing twelve digits in a row (an account id or IAM ARN).
local function is_other_principal(e)
  return type(e) == "string" and e ~= "*" and find(e, "%d%d%d%d%d%d%d%d%d%d%d%d") == nil
end

local function not_none(e) return type(e) == "string" and e ~= "NONE" end

-- A Ref or GetAtt naming a resource of this template.
local function ref_in_template(ctx, v)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if ga ~= nil and is_view(ga) and type(ga[1]) == "string" and ctx.resource(ga[1]) then
    return true
  end
  local id = v.Ref
  return type(id) == "string" and ctx.resource(id) ~= nil
end

return g.rule({ id = "ct-lambda-pr-2", types = { "AWS::Lambda::Permission" },
  judge = function(ctx, p)
    local auth = p.FunctionUrlAuthType
    if auth ~= nil and not every(auth, not_none) then
      ctx.fail("FunctionUrlAuthType is " .. show(auth)
               .. ": the function URL would accept unauthenticated calls", p,
               "FunctionUrlAuthType")
    end
    local principal = p.Principal
    if principal == nil then return end
    local scoped_account = nonblank(p.SourceAccount)
    local arn = p.SourceArn
    local scoped_arn = nonblank(arn) or ref_in_template(ctx, arn)
    if every(principal, is_star) then
      if not (scoped_account or scoped_arn or nonblank(p.PrincipalOrgID)) then
        ctx.fail("Principal is " .. show(principal) .. " and none of SourceAccount, SourceArn "
                 .. "or PrincipalOrgID limits who may invoke the function", p, "Principal")
      end
    end
    if every(principal, is_other_principal) then
      if not (scoped_account or scoped_arn) then
        ctx.fail("Principal is " .. show(principal) .. " (a service or other non-account "
                 .. "principal) and neither SourceAccount nor SourceArn limits which "
                 .. "resource may invoke the function", p, "Principal")
      end
    end
  end,
})
