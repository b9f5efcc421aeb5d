-- CT.ELASTICLOADBALANCING.PR.12 (elb_predefined_security_policy_ssl_check): Classic Load Balancer HTTPS and SSL listeners use the TLS 1.2 predefined security policy.
-- Follows cfn-guard 3.1.1 where it differs from the control's scenarios: a load balancer without
-- Listeners fails, and every name in a secure listener's PolicyNames must be a TLS 1.2 policy.
local g = pp.lib("guard")
local eq_all = g.eq_all
local in_set = g.in_set
local get = g.get
local is_view = pp.is_view

local SECURE = { HTTPS = true, SSL = true }
local TLS12 = { ["ELBSecurityPolicy-TLS-1-2-2017-01"] = true }

local function tls12_attribute(a)
  local name, value = get(a, "Name"), get(a, "Value")
  return name ~= nil and value ~= nil and eq_all(name, "Reference-Security-Policy") and in_set(value, TLS12)
end

-- Guard's `PolicyType == "SSLNegotiationPolicyType"` and `some Attributes[*] { Name ==
-- "Reference-Security-Policy"; Value in TLS12 }` (a single map counts as one attribute).
local function secure_policy(pol)
  local pt = get(pol, "PolicyType")
  if pt == nil or not eq_all(pt, "SSLNegotiationPolicyType") then return false end
  local attrs = pol.Attributes
  if not is_view(attrs) then return false end
  local n = #attrs
  if n == 0 then return tostring(attrs) ~= "[]" and tls12_attribute(attrs) end
  for i = 1, n do
    if tls12_attribute(attrs[i]) then return true end
  end
  return false
end

-- Guard's `%secure_policies`: 1 when some secure policy exists and all of them have a
-- PolicyName, 0 when there is none, -1 when one lacks its PolicyName.
local function secure_names(policies)
  local found = 0
  for i = 1, #policies do
    local pol = policies[i]
    if secure_policy(pol) then
      if pol.PolicyName == nil then return -1 end
      found = 1
    end
  end
  return found
end

-- Whether `name` is the PolicyName of a secure policy.
local function secure_name(policies, name)
  for i = 1, #policies do
    local pol = policies[i]
    if secure_policy(pol) and pol.PolicyName == name then return true end
  end
  return false
end

-- One item of Guard's `PolicyNames.* in %secure_policies`: a nested list is in when all its
-- items are (an empty one is).
local function secure_item(policies, name)
  if is_view(name) and #name > 0 then
    for i = 1, #name do
      if not secure_name(policies, name[i]) then return false end
    end
    return true
  elseif is_view(name) and tostring(name) == "[]" then
    return true
  end
  return secure_name(policies, name)
end

-- Guard's checks on one HTTPS or SSL listener: every name in PolicyNames is a secure policy.
local function check_listener(ctx, p, policies, state, l, where, key)
  if state == nil then
    return ctx.fail("listener " .. tostring(key) .. " is " .. tostring(l.Protocol) ..
                    " but Policies is not a list of policies", where, key)
  elseif state == 0 then
    return ctx.fail("no SSLNegotiationPolicyType policy references ELBSecurityPolicy-TLS-1-2-2017-01",
                    p, "Policies")
  elseif state < 0 then
    return ctx.fail("an SSL negotiation policy that references ELBSecurityPolicy-TLS-1-2-2017-01 has no PolicyName",
                    p, "Policies")
  end
  local pns = l.PolicyNames
  if not is_view(pns) or #pns == 0 then
    return ctx.fail("listener " .. tostring(key) .. " does not name the TLS 1.2 policy in PolicyNames", where, key)
  end
  for j = 1, #pns do
    if not secure_item(policies, pns[j]) then
      return ctx.fail("PolicyNames of listener " .. tostring(key) .. " includes " .. tostring(pns[j]) ..
                      ", which is not a TLS 1.2 negotiation policy", pns, j)
    end
  end
  return true
end

return g.rule({ id = "ct-elasticloadbalancing-pr-12", types = { "AWS::ElasticLoadBalancing::LoadBalancer" },
  judge = function(ctx, p)
    local ls = p.Listeners
    if ls == nil then
      return ctx.fail("Listeners is missing", p)
    end
    if not is_view(ls) then
      return ctx.fail("Listeners is " .. tostring(ls) .. ", not a list of listeners", p, "Listeners")
    end
    local policies = p.Policies
    local state
    if is_view(policies) and #policies > 0 then state = secure_names(policies) end
    local secure = 0
    if #ls > 0 then
      for i = 1, #ls do
        local l = ls[i]
        local proto = get(l, "Protocol")
        if proto ~= nil and in_set(proto, SECURE) then
          secure = secure + 1
          check_listener(ctx, p, policies, state, l, ls, i)
        end
      end
    else
      -- a map of listeners: Guard filters its values
      for k, l in pairs(ls) do
        local proto = get(l, "Protocol")
        if proto ~= nil and in_set(proto, SECURE) then
          secure = secure + 1
          check_listener(ctx, p, policies, state, l, ls, k)
        end
      end
    end
    if secure == 0 then
      return ctx.skip("no HTTPS or SSL listener")
    end
  end,
})
