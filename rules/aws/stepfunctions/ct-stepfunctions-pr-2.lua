-- CT.STEPFUNCTIONS.PR.2: a Step Functions state machine has X-Ray tracing enabled.
-- Guard semantics kept: TracingConfiguration must be an object whose Enabled is the boolean
-- true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
return g.value_rule({ id = "ct-stepfunctions-pr-2", types = { "AWS::StepFunctions::StateMachine" },
  keys = { "TracingConfiguration", "Enabled" }, ok = g.is_true_ipairs, bad = ", not the boolean true",
  missing = { "TracingConfiguration is missing: executions are not traced" } })
