-- ECS services and task sets in awsvpc mode give each task its own ENI; AssignPublicIp ENABLED
-- puts a public IPv4 address on every one of them. Absent means DISABLED (the API default), so
-- only an explicit ENABLED fails. Services without NetworkConfiguration (bridge/host networking)
-- have no task ENI and pass.
return {
  id = "ecs-service-no-public-ip",
  types = { "AWS::ECS::Service", "AWS::ECS::TaskSet" },
  related = { "CT.ECS.PR.9" },
  check = function(r, ctx)
    local p = r.properties
    local nc = p.NetworkConfiguration
    if nc == nil then return true end
    if pp.is_unknown(nc) then
      return ctx.unknown("NetworkConfiguration depends on a value Parapet cannot resolve", p,
                         "NetworkConfiguration")
    end
    if not pp.is_view(nc) then
      return ctx.fail("NetworkConfiguration is not an object", p, "NetworkConfiguration")
    end
    local aws = nc.AwsvpcConfiguration
    if aws == nil then return true end
    if pp.is_unknown(aws) then
      return ctx.unknown("NetworkConfiguration.AwsvpcConfiguration depends on a value Parapet "
                         .. "cannot resolve", nc, "AwsvpcConfiguration")
    end
    if not pp.is_view(aws) then
      return ctx.fail("NetworkConfiguration.AwsvpcConfiguration is not an object", nc,
                      "AwsvpcConfiguration")
    end
    local v = aws.AssignPublicIp
    if v == nil then return true end
    if pp.is_unknown(v) then
      return ctx.unknown("NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp depends on a "
                         .. "value Parapet cannot resolve", aws, "AssignPublicIp")
    end
    local s = pp.str(v)
    local u = s and string.upper(s)
    if u == "ENABLED" then
      return ctx.fail("NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp is " .. s
                      .. ": every task gets a public IPv4 address", aws, "AssignPublicIp")
    elseif u ~= "DISABLED" then
      -- Only ENABLED and DISABLED are valid; anything else (a boolean true, "yes") is rejected
      -- by CloudFormation and cannot be judged, so it fails closed with a clear message.
      return ctx.fail("NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp is "
                      .. (s and string.format("%q", s) or "not a string")
                      .. "; it must be ENABLED or DISABLED", aws, "AssignPublicIp")
    end
  end,
}
