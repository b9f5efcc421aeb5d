-- Tasks in the awsvpc network mode (every Fargate task) get their own network interface, so a
-- load balancer must register them by IP: a target group with TargetType instance (the
-- default) makes CreateService fail ("The provided target group ... has target type instance,
-- which is incompatible with the awsvpc network mode specified in the task definition"). The
-- rule follows the service's LoadBalancers to target groups defined in the same template, and
-- its TaskDefinition to read the network mode (or LaunchType FARGATE / an
-- AwsvpcConfiguration when the task definition is defined elsewhere).
local ecs = pp.lib("ecs")
local is_unknown = pp.is_unknown

-- "yes", "no" or "unknown": whether the service's tasks use awsvpc.
local function awsvpc(p, ctx)
  if pp.str(p.LaunchType) == "FARGATE" then return "yes" end
  local nc = p.NetworkConfiguration
  if nc ~= nil and nc.AwsvpcConfiguration ~= nil then return "yes" end
  local td = p.TaskDefinition and ctx.resource(p.TaskDefinition)
  if not td then return "unknown" end
  local tp = td.properties
  local mode = tp.NetworkMode
  if is_unknown(mode) then return "unknown" end
  if pp.str(mode) == "awsvpc" then return "yes" end
  return ecs.on_fargate(tp) and "yes" or "no"
end

return {
  id = "ecs-awsvpc-target-type-ip",
  types = { "AWS::ECS::Service" },
  check = function(r, ctx)
    local p = r.properties
    local lbs = p.LoadBalancers
    if not pp.is_list(lbs) or #lbs == 0 then
      return ctx.skip("no LoadBalancers")
    end
    local mode = awsvpc(p, ctx)
    if mode == "no" then return ctx.skip("the tasks do not use the awsvpc network mode") end
    for i = 1, #lbs do
      local arn = lbs[i].TargetGroupArn
      -- an imported or external target group is out of sight: not judged (a pass, not unknown)
      local tg = arn ~= nil and not is_unknown(arn) and ctx.resource(arn)
      if tg and tg.type == "AWS::ElasticLoadBalancingV2::TargetGroup" then
        local tt = tg.properties.TargetType
        if is_unknown(tt) then
          return ctx.unknown("the TargetType of " .. tg.logical_id .. " depends on a value "
                             .. "Parapet cannot resolve", lbs[i], "TargetGroupArn")
        end
        local t = pp.str(tt) or "instance"
        if t == "instance" then
          if mode == "unknown" then
            return ctx.unknown(("target group %s registers instances; that fails if the task "
                                .. "definition uses awsvpc, which Parapet cannot see")
                               :format(tg.logical_id), lbs[i], "TargetGroupArn")
          end
          return ctx.fail(("target group %s has TargetType %s, which cannot register awsvpc "
                           .. "tasks (they need TargetType ip)"):format(tg.logical_id,
                          tt == nil and "instance (the default)" or t), lbs[i], "TargetGroupArn")
        end
      end
    end
  end,
}
