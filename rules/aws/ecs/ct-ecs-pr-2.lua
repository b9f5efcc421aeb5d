-- CT.ECS.PR.2 (ecs_container_insights_enabled_check): ECS clusters turn on Container Insights.
local is_view = pp.is_view
local rule = pp.lib("guard").rule

return rule({ id = "ct-ecs-pr-2", types = { "AWS::ECS::Cluster" },
  judge = function(ctx, p)
    local cs = p.ClusterSettings
    if not is_view(cs) or #cs == 0 then
      if cs == nil then
        return ctx.fail("ClusterSettings is missing, so Container Insights is off", p)
      end
      return ctx.fail("ClusterSettings is " .. tostring(cs) .. ", not a list with a containerInsights entry",
                      p, "ClusterSettings")
    end
    for i = 1, #cs do
      local s = cs[i]
      if is_view(s) and s.Name == "containerInsights" and s.Value == "enabled" then return end
    end
    return ctx.fail("no ClusterSettings entry has Name containerInsights with Value enabled",
                    p, "ClusterSettings")
  end,
})
