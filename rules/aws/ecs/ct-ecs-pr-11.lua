-- CT.ECS.PR.11 (ecs_containers_nonprivileged_check): ECS containers do not run privileged.
local g = pp.lib("guard")
local get = g.get
local all_false = g.is_false
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-11",
  title      = "ECS containers do not run privileged",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.11", "ecs_containers_nonprivileged_check" },
  guard      = "ecs_containers_nonprivileged_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2",
  },
  docs       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_security",
  fix        = "Leave Privileged out of every container definition, or set it to false (a boolean).",
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    for i = 1, #cds do
      local c = cds[i]
      local v = get(c, "Privileged")
      if v ~= nil and not all_false(v) then
        ctx.fail("Privileged of container definition " .. i .. " is " .. tostring(v) .. ", not false",
                 c, "Privileged")
      end
    end
  end,
}
