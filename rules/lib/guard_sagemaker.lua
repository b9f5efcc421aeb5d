-- Shared by the Control Tower SageMaker notebook rules (rules/aws/sagemaker/ct-sagemaker-pr-1,
-- -2): both require the notebook to sit in a customer VPC. Loads after rules/lib/guard.lua.
--
--   check_subnet(ctx, p)  SubnetId is a non-blank string (nonblank) or a Ref/GetAtt of an
--                         AWS::EC2::Subnet in this template; fails otherwise.
--   check_groups(ctx, p)  SecurityGroupIds is a non-empty list whose entries (ipairs) are each a
--                         non-blank string or a Ref/GetAtt of an AWS::EC2::SecurityGroup in this
--                         template; fails at the first entry that is not.
local g = pp.lib("guard")
local list_at = g.list_at
local show, nonblank, local_ref = g.show, g.nonblank, g.local_ref
local ipairs = ipairs

local function check_subnet(ctx, p)
  local s = p.SubnetId
  if s == nil then
    ctx.fail("SubnetId is missing: the notebook is not placed in your VPC", p)
  elseif not (nonblank(s) or local_ref(ctx, s, "AWS::EC2::Subnet")) then
    ctx.fail("SubnetId is " .. show(s) .. ", neither a subnet id nor a reference to an "
             .. "AWS::EC2::Subnet in this template", p, "SubnetId")
  end
end

local function check_groups(ctx, p)
  local sg, verdict = list_at(ctx, p, "SecurityGroupIds")
  if sg == nil then return verdict end
  for i, e in ipairs(sg) do
    if not (nonblank(e) or local_ref(ctx, e, "AWS::EC2::SecurityGroup")) then
      return ctx.fail("SecurityGroupIds entry " .. show(e) .. " is neither a group id nor a "
                      .. "reference to an AWS::EC2::SecurityGroup in this template", sg, i)
    end
  end
end

return { check_subnet = check_subnet, check_groups = check_groups }
