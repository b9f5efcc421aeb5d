-- Shared by the Control Tower ELBv2 rules (rules/aws/elasticloadbalancing/): Guard's checks of
-- one Key/Value entry of LoadBalancerAttributes or TargetGroupAttributes.
--
--   attribute_rule(spec)   the rule of spec.type (default AWS::ElasticLoadBalancingV2::LoadBalancer)
--                          that reads the attribute list spec.list (default
--                          LoadBalancerAttributes). With spec.lb_type, SKIP with spec.skip unless
--                          Type is that (eq_all). Then:
--                          spec.required: the list must be a non-empty list with an entry whose
--                            Key is spec.key and whose Value is true or "true";
--                          otherwise: an absent list passes; one that is not a list (is_list_read)
--                            FAILs; every entry with Key spec.key must have a Value in
--                            spec.allowed (else FAIL "<key> is <v><spec.bad>").
--   acm_cert(ctx, v)       a certificate as CT.ELASTICLOADBALANCING.PR.2 and .8 read it: ACM ARNs
--                          (acm_arn; a list when every entry is one, an empty list too), or a
--                          Ref/GetAtt of an AWS::CertificateManager::Certificate of this template.
--   acm_arn(s)             Guard's ACM_CERTIFICATE_ARN_PATTERN (unanchored):
--                          /arn:aws[a-z0-9\-]*:acm:[a-z0-9\-]+:\d{12}:certificate\/[\w\-]{1,64}/
--                          matched from each "arn:aws" with anchored steps of one quantifier each.
local g = pp.lib("guard")
local eq_all, in_set, get, is_list = g.eq_all, g.in_set, g.get, g.is_list_read
local is_view = pp.is_view
local tostring = tostring

local function acm_arn(s)
  if type(s) ~= "string" then return false end
  local i = 1
  while true do
    local a = s:find("arn:aws", i, true)
    if not a then return false end
    local _, e = s:find("^[a-z0-9%-]*:acm:", a + 7)
    if e and s:find("^[a-z0-9%-]+:%d%d%d%d%d%d%d%d%d%d%d%d:certificate/[%w_%-]", e + 1) then
      return true
    end
    i = a + 1
  end
end

local TRUE = { [true] = true, ["true"] = true }

local function required(ctx, p, list, key)
  local attrs = p[list]
  if not is_view(attrs) or #attrs == 0 then
    if attrs == nil then return ctx.fail(list .. " is missing, so " .. key .. " is not true", p) end
    return ctx.fail(list .. " is " .. tostring(attrs) .. ", not a list of attributes", p, list)
  end
  for i = 1, #attrs do
    local a = attrs[i]
    local k, v = get(a, "Key"), get(a, "Value")
    if k ~= nil and v ~= nil and eq_all(k, key) and in_set(v, TRUE) then return end
  end
  return ctx.fail(list .. " has no " .. key .. " entry with Value true", p, list)
end

local function allowed(ctx, p, list, key, set, bad)
  local attrs = p[list]
  if attrs == nil then return end
  if not is_list(attrs) then
    return ctx.fail(list .. " is " .. tostring(attrs) .. ", not a list", p, list)
  end
  for i = 1, #attrs do
    local a = attrs[i]
    local k = get(a, "Key")
    if k ~= nil and eq_all(k, key) then
      local v = a.Value
      if v == nil then
        ctx.fail(key .. " has no Value", attrs, i)
      elseif not in_set(v, set) then
        ctx.fail(key .. " is " .. tostring(v) .. bad, a, "Value")
      end
    end
  end
end

local function attribute_rule(spec)
  local lb_type, skip, key = spec.lb_type, spec.skip, spec.key
  local list = spec.list or "LoadBalancerAttributes"
  local must, set, bad = spec.required, spec.allowed, spec.bad
  return g.rule({ id = spec.id, types = { spec.type or "AWS::ElasticLoadBalancingV2::LoadBalancer" },
    judge = function(ctx, p)
      if lb_type and (p.Type == nil or not eq_all(p.Type, lb_type)) then
        return ctx.skip(skip)
      end
      if must then return required(ctx, p, list, key) end
      return allowed(ctx, p, list, key, set, bad)
    end,
  })
end

-- Guard's `arn == ACM_CERTIFICATE_ARN_PATTERN or check_local_references(arn, certificate)` as
-- CT.ELASTICLOADBALANCING.PR.2 and .8 read a certificate: a list passes when every entry is an
-- ACM ARN (an empty list passes); another view when it is a Ref/GetAtt of a certificate of this
-- template; a scalar when it is an ACM ARN.
local function acm_cert(ctx, v)
  if is_view(v) then
    local n = #v
    if n > 0 then
      local all = true
      for i = 1, n do
        if not acm_arn(v[i]) then all = false break end
      end
      if all then return true end
    elseif tostring(v) == "[]" then
      return true
    end
    return g.local_ref(ctx, v, "AWS::CertificateManager::Certificate")
  end
  return acm_arn(v)
end

return { attribute_rule = attribute_rule, acm_arn = acm_arn, acm_cert = acm_cert }
