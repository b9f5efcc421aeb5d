-- CT.DAX.PR.2: a DAX cluster runs at least three nodes spread over three Availability Zones.
-- Guard semantics kept:
--  * ReplicationFactor must be present and an integer >= 3 ("3" and 3.0 fail; a list passes when
--    every entry does, so an empty list passes);
--  * AvailabilityZones must be a non-empty list with at least three entries, and its first three
--    entries must be distinct as Guard's `not in` between two single values sees it: a scalar or
--    object differs from a scalar or object it is not equal to (strictly typed: 1 is not "1") and
--    from a list it is not an element of; a list never matches a scalar; a list matches a list
--    it is a subset of (or, when that list's first entry is itself a list, one of its entries).
--    Guard compares the first entry with the second and third, and the second with the first and
--    third; entries after the third are not looked at.
local type, tostring, ipairs, pairs, mtype = type, tostring, ipairs, pairs, math.type
local is_view, is_list, is_unknown = pp.is_view, pp.is_list, pp.is_unknown
local g = pp.lib("guard")
local list_at = g.list_at
local show = g.show

local MIN = 3

local all_int_ge = g.int_ge_ipairs

-- strictly typed deep equality
local function deep_same(a, b)
  if is_view(a) or is_view(b) then
    if not (is_view(a) and is_view(b)) or is_list(a) ~= is_list(b) then return false end
    if is_list(a) then
      if #a ~= #b then return false end
      for i = 1, #a do
        if not deep_same(a[i], b[i]) then return false end
      end
      return true
    end
    for k, x in pairs(a) do
      if not deep_same(x, b[k]) then return false end
    end
    for k in pairs(b) do
      if a[k] == nil then return false end
    end
    return true
  end
  if type(a) == "number" and type(b) == "number" then
    return mtype(a) == mtype(b) and a == b
  end
  return type(a) == type(b) and a == b
end

local function contains(list, x)
  for _, e in ipairs(list) do
    if deep_same(e, x) then return true end
  end
  return false
end

-- Guard's `a in b` where b is one value (a variable), not a literal list
local function is_in(a, b)
  if is_list(a) then
    if not is_list(b) then return false end
    if #b > 0 and is_list(b[1]) then return contains(b, a) end
    for _, e in ipairs(a) do
      if not contains(b, e) then return false end
    end
    return true
  end
  if is_list(b) then return contains(b, a) end
  return deep_same(a, b)
end

return g.rule({ id = "ct-dax-pr-2", types = { "AWS::DAX::Cluster" },
  judge = function(ctx, p)
    local rf, azs = p.ReplicationFactor, p.AvailabilityZones
    if is_unknown(rf) or is_unknown(azs) then
      return ctx.unknown("ReplicationFactor or AvailabilityZones depends on a value known only at "
                         .. "deploy time", p, is_unknown(rf) and "ReplicationFactor" or "AvailabilityZones")
    end
    local failed = false
    if rf == nil then
      failed = ctx.fail("ReplicationFactor is missing: the cluster gets a single node", p)
    elseif not all_int_ge(rf, MIN) then
      failed = ctx.fail("ReplicationFactor is " .. show(rf) .. "; it must be an integer of at least "
                        .. MIN, p, "ReplicationFactor")
    end
    local verdict
    azs, verdict = list_at(ctx, p, "AvailabilityZones", "AvailabilityZones is missing: DAX may place the nodes in fewer than three zones")
    if azs == nil then return verdict end
    if #azs < MIN then
      return ctx.fail("AvailabilityZones names " .. #azs .. " zone(s); name at least " .. MIN, p,
                      "AvailabilityZones")
    end
    local a, b, c = azs[1], azs[2], azs[3]
    if is_unknown(a) or is_unknown(b) or is_unknown(c) then
      return ctx.unknown("the first three AvailabilityZones depend on values known only at deploy time",
                         p, "AvailabilityZones")
    end
    if is_in(a, b) or is_in(a, c) or is_in(b, a) or is_in(b, c) then
      return ctx.fail("the first three AvailabilityZones (" .. show(a) .. ", " .. show(b) .. ", "
                      .. show(c) .. ") are not three different zones", p, "AvailabilityZones")
    end
    return not failed
  end,
})
