-- CT.SAGEMAKER.PR.1: a SageMaker notebook instance has no direct internet access.
-- Guard semantics kept: DirectInternetAccess must be the string "Disabled"; SubnetId must be a
-- non-blank string or a Ref/GetAtt of an AWS::EC2::Subnet in this template; SecurityGroupIds a
-- non-empty list of non-blank strings or Ref/GetAtt of AWS::EC2::SecurityGroup resources.
local g = pp.lib("guard")
local show = g.show
local sm = pp.lib("guard_sagemaker")
local check_subnet = sm.check_subnet
local check_groups = sm.check_groups

return {
  title      = "SageMaker notebook instances have no direct internet access",
  id         = "ct-sagemaker-pr-1",
  severity   = "high",
  types      = { "AWS::SageMaker::NotebookInstance" },
  packs      = { "control-tower" },
  controls   = { "CT.SAGEMAKER.PR.1", "sagemaker_notebook_no_direct_internet_access_check" },
  guard      = "sagemaker_notebook_no_direct_internet_access_check",
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
  fix        = "Set DirectInternetAccess to Disabled and place the notebook in a VPC with "
            .. "SubnetId and SecurityGroupIds (reach the internet through a NAT if needed).",
  check = function(r, ctx)
    local p = r.properties
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
}
