-- CT.ECS.PR.11 (ecs_containers_nonprivileged_check): ECS containers do not run privileged.
return pp.lib("guard_ecs").property_rule({
  id = "ct-ecs-pr-11", key = "Privileged", ok = pp.lib("guard").is_false, bad = ", not false",
})
