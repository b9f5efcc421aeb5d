-- ECS Express Mode (AWS::ECS::ExpressGatewayService): without NetworkConfiguration.Subnets the
-- service runs in the subnets and security groups of the account's default VPC, whose default
-- subnets are public and map public IPs. So the subnets must be named: absent (no
-- NetworkConfiguration, no Subnets, an empty list, or a Fn::If branch with AWS::NoValue) fails;
-- a list Parapet cannot resolve (a parameter without a value, an import) is UNKNOWN. Which
-- subnets they are is judged by ecs-express-private-subnets.
local describe = pp.lib("exposure").describe
local is_unknown, is_view, is_list = pp.is_unknown, pp.is_view, pp.is_list

local DEFAULT_VPC = ": the service runs in the default VPC's subnets and security groups, which "
                 .. "are public"

return {
  id = "ecs-express-no-default-vpc",
  types = { "AWS::ECS::ExpressGatewayService" },
  check = function(r, ctx)
    local p = r.properties
    local nc = p.NetworkConfiguration
    if nc == nil then
      return ctx.fail("NetworkConfiguration is not set" .. DEFAULT_VPC, p)
    end
    if is_unknown(nc) then
      return ctx.unknown("NetworkConfiguration depends on a value Parapet cannot resolve", p,
                         "NetworkConfiguration")
    end
    if not is_view(nc) or is_list(nc) then
      return ctx.fail("NetworkConfiguration is " .. describe(nc) .. ", not an object", p,
                      "NetworkConfiguration")
    end
    local subnets = nc.Subnets
    if subnets == nil then
      return ctx.fail("NetworkConfiguration.Subnets is not set" .. DEFAULT_VPC, nc)
    end
    if is_unknown(subnets) then
      return ctx.unknown("NetworkConfiguration.Subnets comes from a value Parapet cannot resolve; "
                         .. "it fails if that is empty (the default VPC)", nc, "Subnets")
    end
    if not is_list(subnets) then
      return ctx.fail("NetworkConfiguration.Subnets is " .. describe(subnets)
                      .. ", not a list of subnet ids", nc, "Subnets")
    end
    if #subnets == 0 then
      return ctx.fail("NetworkConfiguration.Subnets is empty" .. DEFAULT_VPC, nc, "Subnets")
    end
    -- The items themselves (parameters, imports) are judged by ecs-express-private-subnets.
    for i = 1, #subnets do is_unknown(subnets[i]) end
  end,
}
