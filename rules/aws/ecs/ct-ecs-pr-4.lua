-- CT.ECS.PR.4 (ecs_awsvpc_networking_enabled_check): ECS task definitions for EC2 or Fargate use the awsvpc network mode.
local is_view = pp.is_view

local SUPPORTED = { EC2 = true, FARGATE = true }

-- One item of Guard's `some RequiresCompatibilities[*] in ["EC2", "FARGATE"]`: a nested list
-- is in when all its items are (an empty one is).
local function supported(c)
  if is_view(c) then
    local n = #c
    for i = 1, n do
      if not SUPPORTED[c[i]] then return false end
    end
    return n > 0 or tostring(c) == "[]"
  end
  return SUPPORTED[c] == true
end
local rule = pp.lib("guard").rule

return rule({ id = "ct-ecs-pr-4", types = { "AWS::ECS::TaskDefinition" },
  judge = function(ctx, p)
    local rc = p.RequiresCompatibilities
    if rc ~= nil then
      local ec2_or_fargate = false
      if is_view(rc) then
        for i = 1, #rc do
          if supported(rc[i]) then ec2_or_fargate = true break end
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
})
