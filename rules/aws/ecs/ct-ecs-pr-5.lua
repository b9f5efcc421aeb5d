-- CT.ECS.PR.5 (ecs_task_definition_log_configuration_check): ECS container definitions configure a log driver.
local g = pp.lib("guard")
local get = g.get
local blank = g.blank
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-5",
  title      = "ECS container definitions configure a log driver",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.5", "ecs_task_definition_log_configuration_check" },
  guard      = "ecs_task_definition_log_configuration_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(26)", "NIST 800-53 Rev 5:AU-10", "NIST 800-53 Rev 5:AU-12",
    "NIST 800-53 Rev 5:AU-2", "NIST 800-53 Rev 5:AU-3", "NIST 800-53 Rev 5:AU-6(3)",
    "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7", "NIST 800-53 Rev 5:SC-7(9)",
    "NIST 800-53 Rev 5:SI-7(8)", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1",
    "PCI DSS version 3.2.1:10.2.2", "PCI DSS version 3.2.1:10.2.3",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.5",
    "PCI DSS version 3.2.1:10.2.6", "PCI DSS version 3.2.1:10.2.7",
    "PCI DSS version 3.2.1:10.3.1", "PCI DSS version 3.2.1:10.3.2",
    "PCI DSS version 3.2.1:10.3.3", "PCI DSS version 3.2.1:10.3.4",
    "PCI DSS version 3.2.1:10.3.5", "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definitions",
  fix        = "Give every container definition a LogConfiguration with a LogDriver (for example awslogs).",
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    for i = 1, #cds do
      local c = cds[i]
      local lc = get(c, "LogConfiguration")
      if lc == nil then
        ctx.fail("container definition " .. i .. " has no LogConfiguration", cds, i)
      elseif not is_view(lc) or #lc > 0 or tostring(lc) == "[]" then
        ctx.fail("LogConfiguration of container definition " .. i .. " is " .. tostring(lc) ..
                 ", not a map", c, "LogConfiguration")
      else
        local d = lc.LogDriver
        if d == nil then
          ctx.fail("LogConfiguration of container definition " .. i .. " has no LogDriver", c, "LogConfiguration")
        elseif type(d) ~= "string" or blank(d) then
          ctx.fail("LogDriver of container definition " .. i .. " is " .. tostring(d) ..
                   ", not a log driver name", lc, "LogDriver")
        end
      end
    end
  end,
}
