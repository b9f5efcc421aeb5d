-- CT.CLOUDFRONT.PR.8 (cloudfront_traffic_to_origin_encrypted_check): CloudFront distributions encrypt traffic to custom origins.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
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

-- Guard's `v != x` for a string x: strings compare; other types cannot be compared and fail;
-- a list passes when every item passes (an empty list passes).
local function ne_all(v, x)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      local e = v[i]
      if type(e) ~= "string" or e == x then return false end
    end
    return n > 0 or tostring(v) == "[]"
  end
  return type(v) == "string" and v ~= x
end

-- Guard's check_viewer_protocol_policy: ViewerProtocolPolicy exists and is not allow-all.
local function no_allow_all(b)
  local v
  if is_view(b) then v = b.ViewerProtocolPolicy end
  return v ~= nil and ne_all(v, "allow-all")
end

-- Guard's match_viewer_policy_with_no_allow_all_viewer_protocol_policy, given the distribution
-- config: no cache behavior lets viewers in over plain HTTP.
local function viewers_use_https(dc)
  local d = dc.DefaultCacheBehavior
  if not is_struct(d) or not no_allow_all(d) then return false end
  local cbs = dc.CacheBehaviors
  if is_view(cbs) then
    for i = 1, #cbs do
      if not no_allow_all(cbs[i]) then return false end
    end
  end
  return true
end

return {
  id         = "ct-cloudfront-pr-8",
  title      = "CloudFront distributions encrypt traffic to custom origins",
  severity   = "medium",
  types      = { "AWS::CloudFront::Distribution" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDFRONT.PR.8", "cloudfront_traffic_to_origin_encrypted_check" },
  guard      = "cloudfront_traffic_to_origin_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-17(2)", "NIST 800-53 Rev 5:AC-4", "NIST 800-53 Rev 5:IA-5(1)",
    "NIST 800-53 Rev 5:SC-12(3)", "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-23",
    "NIST 800-53 Rev 5:SC-23(3)", "NIST 800-53 Rev 5:SC-7(4)", "NIST 800-53 Rev 5:SC-8",
    "NIST 800-53 Rev 5:SC-8(1)", "NIST 800-53 Rev 5:SC-8(2)", "NIST 800-53 Rev 5:SI-7(6)",
    "PCI DSS version 3.2.1:4.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-cloudfront-to-custom-origin.html",
  fix        = "Drop the legacy CustomOrigin, and set OriginProtocolPolicy of every CustomOriginConfig to https-only (or match-viewer when no cache behavior allows plain HTTP).",
  check = function(r, ctx)
    local p = r.properties
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.skip("no DistributionConfig map")
    end
    local legacy = dc.CustomOrigin ~= nil
    if legacy then
      ctx.fail("DistributionConfig uses the legacy CustomOrigin", dc, "CustomOrigin")
    end
    local origins = dc.Origins
    local custom = 0
    if is_view(origins) then
      for i = 1, #origins do
        local o = origins[i]
        local coc
        if is_view(o) then coc = o.CustomOriginConfig end
        if is_struct(coc) then
          custom = custom + 1
          local opp = coc.OriginProtocolPolicy
          if opp == nil then
            ctx.fail("CustomOriginConfig of origin " .. i .. " has no OriginProtocolPolicy", o, "CustomOriginConfig")
          elseif not ne_all(opp, "http-only") then
            ctx.fail("origin " .. i .. " talks to its origin over plain HTTP (OriginProtocolPolicy " .. tostring(opp) .. ")",
                     coc, "OriginProtocolPolicy")
          elseif not eq_all(opp, "https-only") and not (eq_all(opp, "match-viewer") and viewers_use_https(dc)) then
            ctx.fail("OriginProtocolPolicy of origin " .. i .. " is " .. tostring(opp) ..
                     ", but viewers may connect over HTTP (a cache behavior allows allow-all or has no ViewerProtocolPolicy)",
                     coc, "OriginProtocolPolicy")
          end
        end
      end
    end
    if custom == 0 and not legacy then
      return ctx.skip("no custom origins")
    end
  end,
}
