-- CT.SAGEMAKER.PR.1: a SageMaker notebook instance has no direct internet access.
-- Guard semantics kept: DirectInternetAccess must be the string "Disabled"; SubnetId must be a
-- non-blank string or a Ref/GetAtt of an AWS::EC2::Subnet in this template; SecurityGroupIds a
-- non-empty list of non-blank strings or Ref/GetAtt of AWS::EC2::SecurityGroup resources.
local g = pp.lib("guard")
local show = g.show
local sm = pp.lib("guard_sagemaker")
local check_subnet = sm.check_subnet
local check_groups = sm.check_groups

return g.rule({ id = "ct-sagemaker-pr-1", types = { "AWS::SageMaker::NotebookInstance" },
  judge = function(ctx, p)
    local d = p.DirectInternetAccess
    if d == nil then
      ctx.fail("DirectInternetAccess is missing (the default is Enabled)", p)
    elseif d ~= "Disabled" then
      ctx.fail("DirectInternetAccess is " .. show(d) .. ": set it to Disabled", p,
               "DirectInternetAccess")
    end
    check_subnet(ctx, p)
    check_groups(ctx, p)
  end,
})
