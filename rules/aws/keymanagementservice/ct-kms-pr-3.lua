-- CT.KMS.PR.3: a KMS key policy lets only AWS services create grants.
-- Guard semantics kept: KeyPolicy must be an object whose Statement is a non-empty list with at
-- least one statement that has Effect "Deny"; every Action entry "kms:CreateGrant" (an empty
-- list fails); Principal "*" or {AWS: "*"}; every Resource entry "*" (an empty list fails); and
-- a Condition with only a BoolIfExists object whose only keys are kms:GrantIsForAWSResource
-- and aws:PrincipalIsAWSService (any letter case), both present with the string "false".
local g = pp.lib("guard")
local list_at = g.list_at
local is_list = g.is_list
local is_struct = g.is_struct
local show = g.show
local all_eq = g.eq_ipairs
local type, tostring, ipairs, pairs, lower = type, tostring, ipairs, pairs, string.lower

-- Guard `v[*] == x`: an empty list fails; an entry that is itself a list passes when all of
-- its entries equal x.
local function each_eq(v, x)
  if is_list(v) then
    if #v == 0 then return false end
    for _, e in ipairs(v) do
      if not all_eq(e, x) then return false end
    end
    return true
  end
  return v == x
end

local GRANT, SERVICE = "kms:grantisforawsresource", "aws:principalisawsservice"

local function condition_ok(cond)
  if not is_struct(cond) then return false end
  for k in pairs(cond) do
    if k ~= "BoolIfExists" then return false end
  end
  local b = cond.BoolIfExists
  if not is_struct(b) then return false end
  local grant, service = false, false
  for k, v in pairs(b) do
    local lk = lower(k)
    if lk == GRANT then
      if v ~= "false" then return false end
      grant = true
    elseif lk == SERVICE then
      if v ~= "false" then return false end
      service = true
    else
      return false
    end
  end
  return grant and service
end

local function statement_ok(s)
  if not is_struct(s) then return false end
  local principal = s.Principal
  if s.Effect == nil or s.Action == nil or principal == nil or s.Condition == nil
     or s.Resource == nil then
    return false
  end
  if not all_eq(s.Effect, "Deny") then return false end
  if not each_eq(s.Action, "kms:CreateGrant") then return false end
  if not all_eq(principal, "*") then
    if not is_struct(principal) then return false end
    local aws = principal.AWS
    if aws == nil or not all_eq(aws, "*") then return false end
  end
  if not each_eq(s.Resource, "*") then return false end
  return condition_ok(s.Condition)
end

return g.rule({ id = "ct-kms-pr-3", types = { "AWS::KMS::Key" },
  judge = function(ctx, p)
    local kp = p.KeyPolicy
    if kp == nil then
      return ctx.fail("KeyPolicy is missing", p)
    end
    if not is_struct(kp) then
      return ctx.fail("KeyPolicy is " .. show(kp) .. ", not a policy object", p, "KeyPolicy")
    end
    local st, verdict = list_at(ctx, kp, "Statement", nil, "KeyPolicy.Statement")
    if st == nil then return verdict end
    for _, s in ipairs(st) do
      if statement_ok(s) then return end
    end
    return ctx.fail("KeyPolicy has no statement denying kms:CreateGrant to every principal "
                    .. "unless the grant is for an AWS service", kp, "Statement")
  end,
})
