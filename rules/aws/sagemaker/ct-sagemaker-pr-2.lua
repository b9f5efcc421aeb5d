-- CT.SAGEMAKER.PR.2: a SageMaker notebook instance is launched in a customer VPC.
-- Guard semantics kept: SubnetId must be a non-blank string or a Ref/GetAtt of an
-- AWS::EC2::Subnet in this template; SecurityGroupIds a non-empty list of non-blank strings or
-- Ref/GetAtt of AWS::EC2::SecurityGroup resources.
local sm = pp.lib("guard_sagemaker")
local check_subnet = sm.check_subnet
local check_groups = sm.check_groups

return {
  title      = "SageMaker notebook instances are launched in a customer VPC",
  id         = "ct-sagemaker-pr-2",
  severity   = "high",
  types      = { "AWS::SageMaker::NotebookInstance" },
  packs      = { "control-tower" },
  controls   = { "CT.SAGEMAKER.PR.2", "sagemaker_notebook_instance_inside_vpc_check" },
  guard      = "sagemaker_notebook_instance_inside_vpc_check",
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
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
    "PCI DSS version 3.2.1:2.2.2"
  },
  docs       = "https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html",
  fix        = "Set SubnetId to a subnet of your VPC and list at least one security group in "
            .. "SecurityGroupIds.",
  check = function(r, ctx)
    local p = r.properties
    check_subnet(ctx, p)
    check_groups(ctx, p)
  end,
}
