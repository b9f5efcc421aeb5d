-- CT.SAGEMAKER.PR.2: a SageMaker notebook instance is launched in a customer VPC.
-- Guard semantics kept: SubnetId must be a non-blank string or a Ref/GetAtt of an
-- AWS::EC2::Subnet in this template; SecurityGroupIds a non-empty list of non-blank strings or
-- Ref/GetAtt of AWS::EC2::SecurityGroup resources.
local sm = pp.lib("guard_sagemaker")
local check_subnet = sm.check_subnet
local check_groups = sm.check_groups
local rule = pp.lib("guard").rule

return rule({ id = "ct-sagemaker-pr-2", types = { "AWS::SageMaker::NotebookInstance" },
  judge = function(ctx, p)
    check_subnet(ctx, p)
    check_groups(ctx, p)
  end,
})
