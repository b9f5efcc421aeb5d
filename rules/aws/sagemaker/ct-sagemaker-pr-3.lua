-- CT.SAGEMAKER.PR.3: a SageMaker notebook instance does not give users root access.
-- Guard semantics kept: RootAccess must be present and "Disabled" (a list passes when every
-- entry is, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return g.rule({ id = "ct-sagemaker-pr-3", types = { "AWS::SageMaker::NotebookInstance" },
  judge = function(ctx, p)
    local v = p.RootAccess
    if v == nil then
      return ctx.fail("RootAccess is missing (the default is Enabled)", p)
    end
    if not all_eq(v, "Disabled") then
      return ctx.fail("RootAccess is " .. show(v) .. ": set it to Disabled", p, "RootAccess")
    end
  end,
})
