-- CT.ECS.PR.6 (ecs_containers_readonly_access_check): ECS containers have a read-only root filesystem.
local g = pp.lib("guard")
local get = g.get
local all_true = g.is_true
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-6",
  title      = "ECS containers have a read-only root filesystem",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.6", "ecs_containers_readonly_access_check" },
  guard      = "ecs_containers_readonly_access_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "PCI DSS version 3.2.1:7.1.1", "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2",
  },
  docs       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definitions",
  fix        = "Set ReadonlyRootFilesystem to true (a boolean) in every container definition.",
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    for i = 1, #cds do
      local c = cds[i]
      local v = get(c, "ReadonlyRootFilesystem")
      if v == nil then
        ctx.fail("container definition " .. i .. " has no ReadonlyRootFilesystem", cds, i)
      elseif not all_true(v) then
        ctx.fail("ReadonlyRootFilesystem of container definition " .. i .. " is " .. tostring(v) ..
                 ", not true", c, "ReadonlyRootFilesystem")
      end
    end
  end,
}
