-- CT.ECS.PR.10 (ecs_task_definition_pid_mode_check): ECS task definitions do not share the host's process namespace.
local g = pp.lib("guard")
local blank = g.blank

return g.rule({ id = "ct-ecs-pr-10", types = { "AWS::ECS::TaskDefinition" },
  judge = function(ctx, p)
    local v = p.PidMode
    if v == nil then return end
    if type(v) ~= "string" or blank(v) then
      return ctx.fail("PidMode is " .. tostring(v) .. ", not a process namespace mode", p, "PidMode")
    end
    if v == "host" then
      return ctx.fail("PidMode is host: containers share the host's process namespace", p, "PidMode")
    end
  end,
})
