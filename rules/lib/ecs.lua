-- Shared by the ECS rules of the deploy pack (ecs-fargate-task-size-valid,
-- ecs-fargate-execution-role-set, ecs-awsvpc-target-type-ip): how a task definition says it
-- runs on Fargate. Rules get it with pp.lib("ecs").
local is_list, to_str = pp.is_list, pp.str

-- Whether task definition properties p list FARGATE in RequiresCompatibilities.
local function on_fargate(p)
  local rc = p.RequiresCompatibilities
  if not is_list(rc) then return false end
  for i = 1, #rc do
    if to_str(rc[i]) == "FARGATE" then return true end
  end
  return false
end

-- For a rule that only judges Fargate task definitions: nil when p is one, else the verdict
-- to return (UNKNOWN when RequiresCompatibilities is unresolved, SKIP otherwise).
local function fargate_or_verdict(p, ctx)
  if on_fargate(p) then return nil end
  if pp.is_unknown(p.RequiresCompatibilities) then
    return ctx.unknown("RequiresCompatibilities depends on a value Parapet cannot resolve", p,
                       "RequiresCompatibilities")
  end
  return ctx.skip("not a Fargate task definition")
end

return { on_fargate = on_fargate, fargate_or_verdict = fargate_or_verdict }
