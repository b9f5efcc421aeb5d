-- CT.LAMBDA.PR.3: a Lambda function runs inside a VPC.
-- Guard semantics kept: VpcConfig must be an object; SubnetIds and SecurityGroupIds must be
-- non-empty lists whose every entry is a non-blank string or a Ref/GetAtt of a subnet
-- (security group) declared in this template.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local nonblank = g.nonblank
local local_ref = g.local_ref
local ipairs = ipairs

-- Checks one id list; returns true when it is acceptable.
local function check_ids(ctx, vpc, key, rtype, what)
  local ids = vpc[key]
  if ids == nil then
    ctx.fail("VpcConfig." .. key .. " is missing: the function needs " .. what, vpc)
    return false
  end
  if not is_list(ids) or #ids == 0 then
    ctx.fail("VpcConfig." .. key .. " is " .. show(ids) .. ", not a non-empty list of "
             .. what, vpc, key)
    return false
  end
  for i, e in ipairs(ids) do
    if not (nonblank(e) or local_ref(ctx, e, rtype)) then
      ctx.fail("VpcConfig." .. key .. " entry " .. show(e) .. " is neither an id nor a "
               .. "reference to a " .. rtype .. " in this template", ids, i)
      return false
    end
  end
  return true
end

return g.rule({ id = "ct-lambda-pr-3", types = { "AWS::Lambda::Function" },
  judge = function(ctx, p)
    local vpc, verdict = g.map_at(ctx, p, "VpcConfig", "VpcConfig is missing: the function does not run in a VPC")
    if vpc == nil then return verdict end
    check_ids(ctx, vpc, "SubnetIds", "AWS::EC2::Subnet", "subnets")
    check_ids(ctx, vpc, "SecurityGroupIds", "AWS::EC2::SecurityGroup", "security groups")
  end,
})
