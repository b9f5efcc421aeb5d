-- CT.ECS.PR.7 (ecs_task_definition_memory_hard_limit_check): ECS container definitions set a hard memory limit of at least 4 MiB.
local g = pp.lib("guard")
local get = g.get
local is_view = pp.is_view

-- Guard's `v >= 4`: integers only; a list passes when every item does (an empty list passes).
local function ok_memory(v)
  if is_view(v) then
    for i = 1, #v do
      local x = v[i]
      if math.type(x) ~= "integer" or x < 4 then return false end
    end
    return #v > 0 or tostring(v) == "[]"
  end
  return math.type(v) == "integer" and v >= 4
end

return {
  id         = "ct-ecs-pr-7",
  types      = { "AWS::ECS::TaskDefinition" },
  check = function(r, ctx)
    local p = r.properties
    local cds = p.ContainerDefinitions
    if not is_view(cds) or #cds == 0 then
      return ctx.skip("no ContainerDefinitions list")
    end
    for i = 1, #cds do
      local c = cds[i]
      local v = get(c, "Memory")
      if v == nil then
        ctx.fail("container definition " .. i .. " has no Memory limit", cds, i)
      elseif not ok_memory(v) then
        ctx.fail("Memory of container definition " .. i .. " is " .. tostring(v) ..
                 ", not an integer of at least 4", c, "Memory")
      end
    end
  end,
}
