-- CT.ECS.PR.9 (ecs_service_assign_public_ip_disabled_check): ECS services do not assign public IP addresses.
local g = pp.lib("guard")
local is_struct = g.is_struct

return g.rule({ id = "ct-ecs-pr-9", types = { "AWS::ECS::Service" },
  judge = function(ctx, p)
    local nc = p.NetworkConfiguration
    local vpc
    if is_struct(nc) then vpc = nc.AwsvpcConfiguration end
    if not is_struct(vpc) then
      return ctx.skip("no NetworkConfiguration.AwsvpcConfiguration")
    end
    local v = vpc.AssignPublicIp
    if v ~= nil and v ~= "DISABLED" then
      return ctx.fail("AssignPublicIp is " .. tostring(v) .. ", not DISABLED", vpc, "AssignPublicIp")
    end
  end,
})
