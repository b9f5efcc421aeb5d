-- On Fargate the task execution role is what pulls a private ECR image, sends awslogs output,
-- and fetches Secrets and repository credentials; there is no instance role to fall back on.
-- RegisterTaskDefinition refuses a Fargate task definition that needs one and has none
-- ("Fargate requires task definition to have execution role ARN to support ..."). This rule
-- names the container and what needs the role.
local ecs = pp.lib("ecs")
local is_unknown, is_list = pp.is_unknown, pp.is_list


-- What in container definition c needs the execution role, or nil.
local function need(c)
  local lc = c.LogConfiguration
  if lc ~= nil and pp.str(lc.LogDriver) == "awslogs" then
    return "the awslogs log driver"
  end
  local img = pp.str(c.Image)
  if img and img:find("%.dkr%.ecr%.[%w-]+%.amazonaws%.com") then
    return "its private ECR image"
  end
  if is_list(c.Secrets) and #c.Secrets > 0 then
    return "Secrets"
  end
  if c.RepositoryCredentials ~= nil then
    return "RepositoryCredentials"
  end
  return nil
end

return {
  id = "ecs-fargate-execution-role-set",
  types = { "AWS::ECS::TaskDefinition" },
  check = function(r, ctx)
    local p = r.properties
    if not ecs.on_fargate(p) then return ecs.fargate_or_verdict(p, ctx) end
    if p.ExecutionRoleArn ~= nil then
      is_unknown(p.ExecutionRoleArn)
      return true
    end
    for i, c in pp.items(p.ContainerDefinitions) do
      local why = need(c)
      if why then
        local name = pp.str(c.Name) or ("container " .. i)
        return ctx.fail(("ExecutionRoleArn is not set, but %s uses %s, which Fargate reaches "
                         .. "only through the task execution role"):format(name, why),
                        p.ContainerDefinitions, i)
      end
    end
  end,
}
