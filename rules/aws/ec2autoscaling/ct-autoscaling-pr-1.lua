-- CT.AUTOSCALING.PR.1: Auto Scaling groups must span several Availability Zones. Like the
-- Control Tower rule, only the first two entries of AvailabilityZones are compared.
local g = pp.lib("guard")
local same = g.same
local show = g.show

local is_list = pp.is_list

local function member(x, ys)
  for j = 1, #ys do if same(x, ys[j]) then return true end end
  return false
end

-- Guard `x in y` between two values: membership when y is a list (a list x is "in" when it is an
-- element of y or all its elements are), plain equality of non-lists otherwise
local function g_in(x, y)
  if is_list(y) then
    if is_list(x) then
      if member(x, y) then return true end
      for i = 1, #x do if not member(x[i], y) then return false end end
      return true
    end
    return member(x, y)
  end
  if is_list(x) then return false end
  return same(x, y)
end

return g.rule({ id = "ct-autoscaling-pr-1", types = { "AWS::AutoScaling::AutoScalingGroup" }, noun = "Auto Scaling group",
  judge = function(ctx, p)
    local azs = p.AvailabilityZones
    if azs == nil then
      return ctx.fail("AvailabilityZones is not set; list at least two zones", p)
    end
    if not is_list(azs) then
      return ctx.fail("AvailabilityZones is " .. show(azs) .. ", not a list of zones", p, "AvailabilityZones")
    end
    if #azs < 2 then
      return ctx.fail("AvailabilityZones lists " .. #azs .. " zone(s); at least two are needed", p, "AvailabilityZones")
    end
    if g_in(azs[1], azs[2]) then
      return ctx.fail("the first two AvailabilityZones are the same (" .. show(azs[1]) .. ")", azs, 2)
    end
  end,
})
