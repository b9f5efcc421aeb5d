-- CT.IAM.PR.5: no Allow statement grants "service:*" (or "*"), and none uses NotAction.
-- Guard semantics kept: only a PolicyDocument object whose Statement is a non-empty list or an
-- object is examined; a statement counts when it is an object with Effect "Allow" (a list
-- Effect counts when every entry is "Allow"). Every Action entry must be a string that does not
-- match ^\w*:*\*$ (so "*", "s3:*", "s3*" fail; "s3:Get*" passes; an empty Action list passes),
-- and NotAction must be absent.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local eq = g.eq_ipairs
local type, find, ipairs = type, string.find, ipairs
local is_view = pp.is_view

-- Guard `this != /^[\w]*[:]*\*$/` on each entry of a rule argument: the entry must be a
-- string that is not a whole-service wildcard (entries that are lists or numbers fail).
local function is_wild(e)
  return type(e) ~= "string" or find(e, "^[%w_]*:*%*$") ~= nil
end

local function check_statement(ctx, s, where)
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

return {
  title      = "IAM inline policies do not grant full access to a service",
  id         = "ct-iam-pr-5",
  severity   = "low",
  types      = { "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group" },
  packs      = { "control-tower" },
  controls   = { "CT.IAM.PR.5", "iam_inline_policy_no_statements_with_full_access_check" },
  guard      = "iam_inline_policy_no_statements_with_full_access_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2", "NIST 800-53 Rev 5:AC-2(1)",
    "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5",
    "NIST 800-53 Rev 5:AC-6", "NIST 800-53 Rev 5:AC-6(10)",
    "NIST 800-53 Rev 5:AC-6(2)", "NIST 800-53 Rev 5:AC-6(3)",
    "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.1.2", "PCI DSS version 3.2.1:7.2.1",
    "PCI DSS version 3.2.1:7.2.2"
  },
  docs       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  fix        = "List the specific actions the principal needs instead of \"service:*\" or "
            .. "\"*\", and express exclusions with Deny statements rather than Allow with "
            .. "NotAction.",
  check = function(r, ctx)
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
  end,
}
