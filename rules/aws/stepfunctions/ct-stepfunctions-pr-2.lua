-- CT.STEPFUNCTIONS.PR.2: a Step Functions state machine has X-Ray tracing enabled.
-- Guard semantics kept: TracingConfiguration must be an object whose Enabled is the boolean
-- true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs
local is_view = pp.is_view

return g.rule({ id = "ct-stepfunctions-pr-2", types = { "AWS::StepFunctions::StateMachine" },
  judge = function(ctx, p)
    local tc = p.TracingConfiguration
    if tc == nil then
      return ctx.fail("TracingConfiguration is missing: executions are not traced", p)
    end
    if not is_view(tc) or is_list(tc) then
      return ctx.fail("TracingConfiguration is " .. show(tc) .. ", not an object", p,
                      "TracingConfiguration")
    end
    local v = tc.Enabled
    if v == nil then
      return ctx.fail("TracingConfiguration.Enabled is missing", tc)
    end
    if not all_true(v) then
      return ctx.fail("TracingConfiguration.Enabled is " .. show(v) .. ", not the boolean true",
                      tc, "Enabled")
    end
  end,
})
