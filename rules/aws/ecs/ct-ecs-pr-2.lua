-- CT.ECS.PR.2 (ecs_container_insights_enabled_check): ECS clusters turn on Container Insights.
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-2",
  title      = "ECS clusters turn on Container Insights",
  severity   = "medium",
  types      = { "AWS::ECS::Cluster" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.2", "ecs_container_insights_enabled_check" },
  guard      = "ecs_container_insights_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:AU-6(3)", "NIST 800-53 Rev 5:AU-6(4)", "NIST 800-53 Rev 5:CA-7",
    "NIST 800-53 Rev 5:SI-2", "PCI DSS version 3.2.1:10.1", "PCI DSS version 3.2.1:10.2.1",
    "PCI DSS version 3.2.1:10.2.2", "PCI DSS version 3.2.1:10.2.3",
    "PCI DSS version 3.2.1:10.2.4", "PCI DSS version 3.2.1:10.2.5",
    "PCI DSS version 3.2.1:10.2.7", "PCI DSS version 3.2.1:10.3.1",
    "PCI DSS version 3.2.1:10.3.2", "PCI DSS version 3.2.1:10.3.3",
    "PCI DSS version 3.2.1:10.3.4", "PCI DSS version 3.2.1:10.3.5",
    "PCI DSS version 3.2.1:10.3.6",
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/deploy-container-insights-ECS-cluster.html",
  fix        = "Add {Name: containerInsights, Value: enabled} to the cluster's ClusterSettings.",
  check = function(r, ctx)
    local p = r.properties
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
}
