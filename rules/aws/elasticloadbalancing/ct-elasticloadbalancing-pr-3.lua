-- CT.ELASTICLOADBALANCING.PR.3 (alb_desync_mode_check): Application Load Balancers use defensive or strictest desync mitigation.
local is_view = pp.is_view

-- Guard's is_list: a list (an empty list prints as []).
local function is_list(v)
  if not is_view(v) then return false end
  if #v > 0 then return true end
  for _ in pairs(v) do return false end
  return tostring(v) == "[]"
end

-- Guard's `v == x` for a string x: a list passes when every item equals x (an empty list passes).
local function eq_all(v, x)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if v[i] ~= x then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return v == x
end

-- Guard's `v in [...]` for scalar choices (set: a table keyed by the allowed strings and
-- booleans): a list passes when every item is in the set (an empty list passes).
local function in_set(v, set)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if not set[v[i]] then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return set[v] == true
end

local function get(v, k)
  if is_view(v) then return v[k] end
end

local MODES = { defensive = true, strictest = true }
local KEY = "routing.http.desync_mitigation_mode"

return {
  id         = "ct-elasticloadbalancing-pr-3",
  title      = "Application Load Balancers use defensive or strictest desync mitigation",
  severity   = "medium",
  types      = { "AWS::ElasticLoadBalancingV2::LoadBalancer" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICLOADBALANCING.PR.3", "alb_desync_mode_check" },
  guard      = "alb_desync_mode_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-4(21)", "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-2",
    "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3", "PCI DSS version 3.2.1:1.3.1",
    "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4", "PCI DSS version 3.2.1:2.2.3",
    "PCI DSS version 3.2.1:6.6",
  },
  docs       = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#desync-mitigation-mode",
  fix        = "Leave routing.http.desync_mitigation_mode out of LoadBalancerAttributes, or set it to defensive or strictest.",
  check = function(r, ctx)
    local p = r.properties
    if p.Type == nil or not eq_all(p.Type, "application") then
      return ctx.skip("not an Application Load Balancer")
    end
    local attrs = p.LoadBalancerAttributes
    if attrs == nil then return end
    if not is_list(attrs) then
      return ctx.fail("LoadBalancerAttributes is " .. tostring(attrs) .. ", not a list", p, "LoadBalancerAttributes")
    end
    for i = 1, #attrs do
      local a = attrs[i]
      local k = get(a, "Key")
      if k ~= nil and eq_all(k, KEY) then
        local v = a.Value
        if v == nil then
          ctx.fail(KEY .. " has no Value", attrs, i)
        elseif not in_set(v, MODES) then
          ctx.fail(KEY .. " is " .. tostring(v) .. ", not defensive or strictest", a, "Value")
        end
      end
    end
  end,
}
