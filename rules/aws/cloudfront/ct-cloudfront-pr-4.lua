-- CT.CLOUDFRONT.PR.4 (cloudfront_origin_failover_enabled_check): CloudFront distributions configure origin failover.
local g = pp.lib("guard")
local config_section = pp.lib("guard_cloudfront").config_section
local is_struct = g.is_struct_read
local int_ge = g.int_ge
local is_view = pp.is_view

-- Guard's `v == n` for an integer n: integers only; a list passes when every item does (an
-- empty list passes).
local function int_eq(v, n)
  if is_view(v) then
    local k = #v
    for i = 1, k do
      local x = v[i]
      if math.type(x) ~= "integer" or x ~= n then return false end
    end
    return k > 0 or tostring(v) == "[]"
  end
  return math.type(v) == "integer" and v == n
end

return g.rule({ id = "ct-cloudfront-pr-4", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local og = config_section(ctx, p, "OriginGroups", "DistributionConfig.OriginGroups is missing, so there is no origin failover")
    if og == nil then return false end
    local q = og.Quantity
    if q == nil or not int_ge(q, 1) then
      ctx.fail("OriginGroups.Quantity is " .. tostring(q) .. ", not an integer of at least 1", og,
               q ~= nil and "Quantity" or nil)
    end
    local items = og.Items
    if not is_view(items) or #items == 0 then
      return ctx.fail("OriginGroups.Items is " .. tostring(items) .. ", not a list of origin groups", og,
                      items ~= nil and "Items" or nil)
    end
    for i = 1, #items do
      local it = items[i]
      local m
      if is_view(it) then m = it.Members end
      if not is_struct(m) then
        ctx.fail("origin group " .. i .. " has no Members map", items, i)
      elseif m.Quantity == nil or not int_eq(m.Quantity, 2) then
        ctx.fail("Members.Quantity of origin group " .. i .. " is " .. tostring(m.Quantity) .. ", not 2",
                 m, m.Quantity ~= nil and "Quantity" or nil)
      end
    end
  end,
})
