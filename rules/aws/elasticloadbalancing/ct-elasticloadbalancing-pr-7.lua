-- CT.ELASTICLOADBALANCING.PR.7 (elb_multiple_az_check): Classic Load Balancers span at least two Availability Zones.
local is_view = pp.is_view

-- Guard's two_or_more_entries: a list with at least two items.
local function two_or_more(v)
  return is_view(v) and #v >= 2
end

-- Guard's `a not in b` for two single values.
local function differ(a, b)
  if is_view(a) or is_view(b) then return not (a == b) end
  return a ~= b or math.type(a) ~= math.type(b)
end
local rule = pp.lib("guard").rule

return rule({ id = "ct-elasticloadbalancing-pr-7", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
    local azs, subnets = p.AvailabilityZones, p.Subnets
    if azs == nil and subnets == nil then
      return ctx.fail("neither AvailabilityZones nor Subnets is set", p)
    end
    if azs ~= nil then
      if not two_or_more(azs) then
        ctx.fail("AvailabilityZones is " .. tostring(azs) .. ", not a list of two or more zones", p, "AvailabilityZones")
      elseif not differ(azs[1], azs[2]) then
        ctx.fail("the first two AvailabilityZones are both " .. tostring(azs[1]), azs, 2)
      end
    end
    if subnets ~= nil and not two_or_more(subnets) then
      ctx.fail("Subnets is " .. tostring(subnets) .. ", not a list of two or more subnets", p, "Subnets")
    end
  end,
})
