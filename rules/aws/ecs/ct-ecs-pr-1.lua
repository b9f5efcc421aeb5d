-- CT.ECS.PR.1 (ecs_fargate_latest_platform_version_check): ECS Fargate services run on the latest Fargate platform version.
return {
  id         = "ct-ecs-pr-1",
  title      = "ECS Fargate services run on the latest Fargate platform version",
  severity   = "medium",
  types      = { "AWS::ECS::Service" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.1", "ecs_fargate_latest_platform_version_check" },
  guard      = "ecs_fargate_latest_platform_version_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-2(1)", "NIST 800-53 Rev 5:AC-3", "NIST 800-53 Rev 5:AC-3(15)",
    "NIST 800-53 Rev 5:AC-3(7)", "NIST 800-53 Rev 5:AC-5", "NIST 800-53 Rev 5:AC-6",
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2", "NIST 800-53 Rev 5:SI-2",
    "NIST 800-53 Rev 5:SI-2(2)", "NIST 800-53 Rev 5:SI-2(4)", "NIST 800-53 Rev 5:SI-2(5)",
    "PCI DSS version 3.2.1:1.3.7", "PCI DSS version 3.2.1:6.2", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2", "PCI DSS version 3.2.1:8.2.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform_versions.html",
  fix        = "Remove PlatformVersion from the Fargate service (it then defaults to LATEST), or set it to the string LATEST.",
  check = function(r, ctx)
    local p = r.properties
    if p.LaunchType ~= "FARGATE" then
      return ctx.skip("LaunchType is not the string FARGATE")
    end
    local v = p.PlatformVersion
    if v == nil or v == "LATEST" then return end
    return ctx.fail("PlatformVersion of a Fargate service is " .. tostring(v) .. ", not LATEST",
                    p, "PlatformVersion")
  end,
}
