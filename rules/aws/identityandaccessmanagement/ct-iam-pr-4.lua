-- CT.IAM.PR.4: IAM users get permissions from groups, not from policies attached to them.
-- Guard semantics kept: on a user, Policies and ManagedPolicyArns must each be absent or an
-- empty list; on a policy or managed policy, Users must be absent or an empty list.
local g = pp.lib("guard")
local show = g.show
local type, tostring = type, tostring
local is_view = pp.is_view

local function absent_or_empty_list(v)
  return v == nil or (is_view(v) and #v == 0 and tostring(v) == "[]")
end

return g.rule({ id = "ct-iam-pr-4", types = { "AWS::IAM::User", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" },
  judge = function(ctx, p, r)
    if r.type == "AWS::IAM::User" then
      local pol, arns = p.Policies, p.ManagedPolicyArns
      if not absent_or_empty_list(pol) then
        ctx.fail("the user has inline Policies " .. show(pol), p, "Policies")
      end
      if not absent_or_empty_list(arns) then
        ctx.fail("the user has ManagedPolicyArns " .. show(arns), p, "ManagedPolicyArns")
      end
      return
    end
    local users = p.Users
    if not absent_or_empty_list(users) then
      return ctx.fail("the policy is attached directly to Users " .. show(users), p, "Users")
    end
  end,
})
