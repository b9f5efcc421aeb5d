-- CT.SAGEMAKER.PR.3: a SageMaker notebook instance does not give users root access.
-- Guard semantics kept: RootAccess must be present and "Disabled" (a list passes when every
-- entry is, so an empty list passes).
local g = pp.lib("guard")
return g.props_rule({ id = "ct-sagemaker-pr-3", types = { "AWS::SageMaker::NotebookInstance" }, props = { {
  key = "RootAccess", missing = "RootAccess is missing (the default is Enabled)",
  ok = function(v) return g.eq_ipairs(v, "Disabled") end, bad = ": set it to Disabled" } } })
