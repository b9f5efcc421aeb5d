-- CT.ECS.PR.1 (ecs_fargate_latest_platform_version_check): ECS Fargate services run on the latest Fargate platform version.
local rule = pp.lib("guard").rule

return rule({ id = "ct-ecs-pr-1", types = { "AWS::ECS::Service" },
  judge = function(ctx, p)
    if p.LaunchType ~= "FARGATE" then
      return ctx.skip("LaunchType is not the string FARGATE")
    end
    local v = p.PlatformVersion
    if v == nil or v == "LATEST" then return end
    return ctx.fail("PlatformVersion of a Fargate service is " .. tostring(v) .. ", not LATEST",
                    p, "PlatformVersion")
  end,
})
