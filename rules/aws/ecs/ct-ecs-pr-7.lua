-- CT.ECS.PR.7 (ecs_task_definition_memory_hard_limit_check): ECS container definitions set a hard memory limit of at least 4 MiB.
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

return pp.lib("guard_ecs").property_rule({
  id = "ct-ecs-pr-7", key = "Memory", missing = "has no Memory limit",
  ok = ok_memory, bad = ", not an integer of at least 4",
})
