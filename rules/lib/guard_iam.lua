-- Shared by the Control Tower IAM policy rules (rules/aws/identityandaccessmanagement/
-- ct-iam-pr-1, -2, -3, -5): how Guard walks a policy document and the two statement checks.
-- Guard helpers come from rules/lib/guard.lua (this module's name sorts after it, so it loads
-- after it).
--
--   admin_access_check     check(r, ctx) of CT.IAM.PR.1/PR.2: no Allow statement grants an
--                          Action "*" on a Resource that is not entirely non-"*" strings.
--   full_access_check      check(r, ctx) of CT.IAM.PR.3/PR.5: no Allow statement grants an
--                          Action matching ^\w*:*\*$ (or a non-string entry), none uses NotAction.
--
-- Both checks read the resource the same way: an AWS::IAM::Policy or ManagedPolicy is checked
-- on its PolicyDocument; a Role, User or Group on each entry of Policies (a non-empty list):
-- an object entry is a policy, and an entry that is itself a list is filtered entry by entry,
-- as Guard's `%policy [ filter ]` does (each object in it is a policy). Only a PolicyDocument
-- object whose Statement is a list (each statement in turn, ipairs) or an object is examined;
-- a statement counts when it is an object with Effect "Allow" (eq_ipairs).
local g = pp.lib("guard")
local is_list, show, eq, some_star, no_star = g.is_list, g.show, g.eq_ipairs, g.some_star, g.no_star
local type, find, ipairs = type, string.find, ipairs
local is_view = pp.is_view

local function admin_statement(ctx, s, where)
  if not is_view(s) or is_list(s) then return end
  local effect = s.Effect
  if effect == nil or not eq(effect, "Allow") then return end
  -- Action first: a Resource known only at deploy time ("${Log.Arn}:*") must not make a
  -- statement without "*" actions undecidable
  local action = s.Action
  if action == nil or not some_star(action) then return end
  local resource = s.Resource
  if resource == nil then return end
  if not no_star(resource) then
    ctx.fail(where .. " allows Action " .. show(action) .. " on Resource " .. show(resource)
             .. ": full administrator access", s, "Action")
  end
end

-- Guard `this != /^[\w]*[:]*\*$/` on each entry of a rule argument: the entry must be a
-- string that is not a whole-service wildcard (entries that are lists or numbers fail).
local function is_wild(e)
  return type(e) ~= "string" or find(e, "^[%w_]*:*%*$") ~= nil
end

local function full_access_statement(ctx, s, where)
  if not is_view(s) or is_list(s) then return end
  local effect = s.Effect
  if effect == nil or not eq(effect, "Allow") then return end
  local action = s.Action
  if action ~= nil then
    if is_list(action) then
      for i, a in ipairs(action) do
        if is_wild(a) then
          ctx.fail(where .. " allows " .. show(a) .. ": full access to a service", action, i)
          break
        end
      end
    elseif is_wild(action) then
      ctx.fail(where .. " allows " .. show(action) .. ": full access to a service", s, "Action")
    end
  end
  if s.NotAction ~= nil then
    ctx.fail(where .. " combines Effect Allow with NotAction", s, "NotAction")
  end
end

-- check(r, ctx) running check_statement(ctx, statement, where) over every policy statement.
local function policy_check(check_statement)
  local function check_document(ctx, holder, where)
    local doc = holder.PolicyDocument
    if not is_view(doc) or is_list(doc) then return end
    local st = doc.Statement
    if is_list(st) then
      for i, s in ipairs(st) do
        check_statement(ctx, s, where .. " statement " .. i)
      end
    elseif is_view(st) then
      check_statement(ctx, st, where .. " statement")
    end
  end
  return function(r, ctx)
    local p = r.properties
    if r.type == "AWS::IAM::Policy" or r.type == "AWS::IAM::ManagedPolicy" then
      return check_document(ctx, p, "PolicyDocument")
    end
    local pols = p.Policies
    if not is_list(pols) then return end
    for i, pol in ipairs(pols) do
      if is_list(pol) then
        -- Guard's `%policy [ filter ]` on a nested list filters its entries
        for j, inner in ipairs(pol) do
          if is_view(inner) and not is_list(inner) then
            check_document(ctx, inner, "Policies[" .. i .. "][" .. j .. "]")
          end
        end
      elseif is_view(pol) then
        check_document(ctx, pol, "Policies[" .. i .. "]")
      end
    end
  end
end

return {
  admin_access_check = policy_check(admin_statement),
  full_access_check = policy_check(full_access_statement),
}
