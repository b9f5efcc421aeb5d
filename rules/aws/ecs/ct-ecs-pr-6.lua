-- CT.ECS.PR.6 (ecs_containers_readonly_access_check): ECS containers have a read-only root filesystem.
return pp.lib("guard_ecs").property_rule({
  id = "ct-ecs-pr-6", key = "ReadonlyRootFilesystem", missing = "has no ReadonlyRootFilesystem",
  ok = pp.lib("guard").is_true, bad = ", not true",
})
