-- CT.SAGEMAKER.PR.3: a SageMaker notebook instance does not give users root access.
-- Guard semantics kept: RootAccess must be present and "Disabled" (a list passes when every
-- entry is, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return {
  title      = "SageMaker notebook instances do not allow root access",
  id         = "ct-sagemaker-pr-3",
  severity   = "high",
  types      = { "AWS::SageMaker::NotebookInstance" },
  packs      = { "control-tower" },
  controls   = { "CT.SAGEMAKER.PR.3", "sagemaker_notebook_instance_root_access_check" },
  guard      = "sagemaker_notebook_instance_root_access_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:AC-6(10)", "NIST 800-53 Rev 5:AC-6(2)",
    "PCI DSS version 3.2.1:2.2", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.1.2", "PCI DSS version 3.2.1:7.2.1",
    "PCI DSS version 3.2.1:7.2.2", "PCI DSS version 3.2.1:8.1.1"
  },
  docs       = "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html",
  fix        = "Set RootAccess to Disabled.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.RootAccess
    if v == nil then
      return ctx.fail("RootAccess is missing (the default is Enabled)", p)
    end
    if not all_eq(v, "Disabled") then
      return ctx.fail("RootAccess is " .. show(v) .. ": set it to Disabled", p, "RootAccess")
    end
  end,
}
