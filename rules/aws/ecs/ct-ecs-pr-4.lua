-- CT.ECS.PR.4 (ecs_awsvpc_networking_enabled_check): ECS task definitions for EC2 or Fargate use the awsvpc network mode.
local is_view = pp.is_view

return {
  id         = "ct-ecs-pr-4",
  title      = "ECS task definitions for EC2 or Fargate use the awsvpc network mode",
  severity   = "high",
  types      = { "AWS::ECS::TaskDefinition" },
  packs      = { "control-tower" },
  controls   = { "CT.ECS.PR.4", "ecs_awsvpc_networking_enabled_check" },
  guard      = "ecs_awsvpc_networking_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:SC-7", "NIST 800-53 Rev 5:SC-7(11)", "NIST 800-53 Rev 5:SC-7(16)",
    "NIST 800-53 Rev 5:SC-7(20)", "NIST 800-53 Rev 5:SC-7(21)", "NIST 800-53 Rev 5:SC-7(3)",
    "NIST 800-53 Rev 5:SC-7(5)", "NIST 800-53 Rev 5:SC-7(9)", "PCI DSS version 3.2.1:1.2.1",
    "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2",
    "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:1.3.6",
  },
  docs       = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html",
  fix        = "Set NetworkMode to awsvpc on task definitions that run on EC2 or Fargate.",
  check = function(r, ctx)
    local p = r.properties
    local rc = p.RequiresCompatibilities
    if rc ~= nil then
      local ec2_or_fargate = false
      if is_view(rc) then
        for i = 1, #rc do
          local c = rc[i]
          if c == "EC2" or c == "FARGATE" then ec2_or_fargate = true break end
        end
      end
      if not ec2_or_fargate then
        return ctx.skip("RequiresCompatibilities names neither EC2 nor FARGATE")
      end
    end
    local nm = p.NetworkMode
    if nm == nil then
      return ctx.fail("NetworkMode is missing (the default is not awsvpc)", p)
    end
    if nm ~= "awsvpc" then
      return ctx.fail("NetworkMode is " .. tostring(nm) .. ", not awsvpc", p, "NetworkMode")
    end
  end,
}
