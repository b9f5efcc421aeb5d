-- CT.IAM.PR.1: no Allow statement grants Action "*" on Resource "*".
-- Guard semantics kept: only a PolicyDocument object whose Statement is a non-empty list or an
-- object is examined; a statement counts when it is an object with Effect "Allow" (a list
-- Effect counts when every entry is "Allow") and both Action and Resource present. It fails
-- when some Action entry is "*" and not every Resource entry is a string other than "*" (an
-- empty Resource list passes; entries that are lists are never "*" on the Action side and
-- always fail on the Resource side).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local eq = g.eq_ipairs
local some_star = g.some_star
local no_star = g.no_star
local type, ipairs = type, ipairs
local is_view = pp.is_view

local function check_statement(ctx, s, where)
  if not is_view(s) or is_list(s) then return end
  local effect = s.Effect
  if effect == nil or not eq(effect, "Allow") then return end
  local action, resource = s.Action, s.Resource
  if action == nil or resource == nil then return end
  if some_star(action) and not no_star(resource) then
    ctx.fail(where .. " allows Action " .. show(action) .. " on Resource " .. show(resource)
             .. ": full administrator access", s, "Action")
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
  title      = "IAM inline policies do not grant full administrator access",
  id         = "ct-iam-pr-1",
  severity   = "high",
  types      = { "AWS::IAM::Policy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group" },
  packs      = { "control-tower" },
  controls   = { "CT.IAM.PR.1", "iam_inline_policy_no_statements_with_admin_access_check" },
  guard      = "iam_inline_policy_no_statements_with_admin_access_check",
  frameworks = {
    "CIS AWS Benchmark 1.4:1.16", "NIST 800-53 Rev 5:AC-2",
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(15)", "NIST 800-53 Rev 5:AC-3(7)",
    "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:AC-6(10)", "NIST 800-53 Rev 5:AC-6(2)",
    "NIST 800-53 Rev 5:AC-6(3)", "PCI DSS version 3.2.1:2.2",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.1.2",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2"
  },
  docs       = "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
  fix        = "Replace Action \"*\" with the actions the principal needs, or limit Resource to "
            .. "specific ARNs.",
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
