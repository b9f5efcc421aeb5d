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
local is_view = pp.is_view

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

return {
  title      = "Lambda functions are attached to a customer VPC",
  id         = "ct-lambda-pr-3",
  severity   = "low",
  types      = { "AWS::Lambda::Function" },
  packs      = { "control-tower" },
  controls   = { "CT.LAMBDA.PR.3", "lambda_inside_vpc_check" },
  guard      = "lambda_inside_vpc_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-21", "NIST 800-53 Rev 5:AC-3",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-4",
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)",
    "NIST 800-53 Rev 5:SC-7(16)", "NIST 800-53 Rev 5:SC-7(20)",
    "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-7(9)",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:2.2.2"
  },
  docs       = "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
  fix        = "Give the function a VpcConfig with at least one subnet in SubnetIds and at "
            .. "least one security group in SecurityGroupIds.",
  check = function(r, ctx)
    local p = r.properties
    local vpc = p.VpcConfig
    if vpc == nil then
      return ctx.fail("VpcConfig is missing: the function does not run in a VPC", p)
    end
    if not is_view(vpc) or is_list(vpc) then
      return ctx.fail("VpcConfig is " .. show(vpc) .. ", not an object", p, "VpcConfig")
    end
    check_ids(ctx, vpc, "SubnetIds", "AWS::EC2::Subnet", "subnets")
    check_ids(ctx, vpc, "SecurityGroupIds", "AWS::EC2::SecurityGroup", "security groups")
  end,
}
