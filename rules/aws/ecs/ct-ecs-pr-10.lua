-- CT.ECS.PR.10 (ecs_task_definition_pid_mode_check): ECS task definitions do not share the host's process namespace.
local g = pp.lib("guard")
local blank = g.blank

return {
  id         = "ct-ecs-pr-10",
  title      = "ECS task definitions do not share the host's process namespace",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.10", "ecs_task_definition_pid_mode_check" },
  guard      = "ecs_task_definition_pid_mode_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "PCI DSS version 3.2.1:1.3.7",
  },
  docs       = "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html#API_TaskDefinition_Contents",
  fix        = "Leave PidMode out, or set it to task.",
  check = function(r, ctx)
    local p = r.properties
    local v = p.PidMode
    if v == nil then return end
    if type(v) ~= "string" or blank(v) then
      return ctx.fail("PidMode is " .. tostring(v) .. ", not a process namespace mode", p, "PidMode")
    end
    if v == "host" then
      return ctx.fail("PidMode is host: containers share the host's process namespace", p, "PidMode")
    end
  end,
}
