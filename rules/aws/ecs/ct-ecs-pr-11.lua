-- CT.ECS.PR.11 (ecs_containers_nonprivileged_check): ECS containers do not run privileged.
local g = pp.lib("guard")
local get = g.get
local all_false = g.is_false
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-11",
  types      = { "AWS::ECS::TaskDefinition" },
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
