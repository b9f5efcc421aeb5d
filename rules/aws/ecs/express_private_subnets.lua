-- ECS Express Mode puts the service's Application Load Balancer and tasks in the subnets of
-- NetworkConfiguration.Subnets; in public subnets the load balancer faces the internet. This rule
-- follows each subnet the template defines (rules/lib/exposure.lua, subnet_exposure): public when
-- MapPublicIpOnLaunch is true or its route table (AWS::EC2::SubnetRouteTableAssociation) has an
-- AWS::EC2::Route for 0.0.0.0/0 or ::/0 to an internet gateway. A subnet outside the template (a
-- parameter, an import, a literal id) is UNKNOWN: Parapet cannot see its routes.
--
-- Break-glass: a service meant to face the internet is named in `allow_logical_ids` or carries
-- a tag of `allow_tags` ("Key=Value", or "Key" for any value); it is then skipped, with the
-- reason in the report. Both lists are empty by default: the platform team sets them.
-- Absent Subnets are ecs-express-no-default-vpc's finding, not this rule's.
local exposure = pp.lib("exposure")
local subnet_exposure, allow_listed = exposure.subnet_exposure, exposure.allow_listed
local is_unknown, is_view, is_list = pp.is_unknown, pp.is_view, pp.is_list

return {
  id = "ecs-express-private-subnets",
  types = { "AWS::ECS::ExpressGatewayService" },
  params = {
    allow_logical_ids = {},   -- services meant to face the internet, by logical id
    allow_tags = {},          -- … or by tag: "Key=Value" or "Key"
  },
  check = function(r, ctx)
    local p = r.properties
    local nc = p.NetworkConfiguration
    if nc == nil or is_unknown(nc) or not is_view(nc) then return ctx.skip("no subnets named") end
    local subnets = nc.Subnets
    if subnets == nil or is_unknown(subnets) or not is_list(subnets) or #subnets == 0 then
      return ctx.skip("no subnets named")
    end
    local why = allow_listed(r, ctx.params)
    if why then
      for i = 1, #subnets do is_unknown(subnets[i]) end
      return ctx.skip("allowed to face the internet: " .. why)
    end
    for i = 1, #subnets do
      local state, detail = subnet_exposure(ctx, subnets[i])
      local where = string.format("NetworkConfiguration.Subnets[%d] ", i - 1)
      if state == "public" then
        ctx.fail(where .. detail .. ": the service's load balancer and tasks face the internet",
                 subnets, i)
      elseif state == "unknown" then
        ctx.unknown(where .. detail .. ", so whether it is public is unknown", subnets, i)
      end
    end
  end,
}
