-- CT.ECS.PR.6 (ecs_containers_readonly_access_check): ECS containers have a read-only root filesystem.
local g = pp.lib("guard")
local get = g.get
local all_true = g.is_true
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-6",
  types      = { "AWS::ECS::TaskDefinition" },
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
