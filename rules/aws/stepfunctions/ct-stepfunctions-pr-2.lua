-- CT.STEPFUNCTIONS.PR.2: a Step Functions state machine has X-Ray tracing enabled.
-- Guard semantics kept: TracingConfiguration must be an object whose Enabled is the boolean
-- true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs
local is_view = pp.is_view

return {
  title      = "Step Functions state machines have AWS X-Ray tracing enabled",
  id         = "ct-stepfunctions-pr-2",
  severity   = "medium",
  types      = { "AWS::StepFunctions::StateMachine" },
  packs      = { "control-tower" },
  controls   = { "CT.STEPFUNCTIONS.PR.2", "step_functions_state_machine_tracing_enabled_check" },
  guard      = "step_functions_state_machine_tracing_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AU-10",
    "NIST 800-53 Rev 5:AU-12", "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3",
    "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)",
    "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1",
    "PCI DSS version 3.2.1:10.2.1", "PCI DSS version 3.2.1:10.2.4",
    "PCI DSS version 3.2.1:10.2.7", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6"
  },
  docs       = "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html",
  fix        = "Set TracingConfiguration.Enabled to true (a boolean).",
  check = function(r, ctx)
    local p = r.properties
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
}
