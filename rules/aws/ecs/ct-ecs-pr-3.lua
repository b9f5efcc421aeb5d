-- CT.ECS.PR.3 (ecs_task_definition_nonroot_user_check): ECS container definitions name a user other than root.
local e = pp.lib("guard_ecs")
return e.property_rule({
  id = "ct-ecs-pr-3", key = "User", missing = "has no User, so it runs as root",
  ok = e.not_root,
  bad = function(i, u) return "container definition " .. i .. " runs as root (User " .. tostring(u) .. ")" end,
})
