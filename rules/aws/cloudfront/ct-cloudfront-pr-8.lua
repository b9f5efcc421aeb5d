-- CT.CLOUDFRONT.PR.8 (cloudfront_traffic_to_origin_encrypted_check): CloudFront distributions encrypt traffic to custom origins.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local ne_all = g.ne_all
local is_view = pp.is_view

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

return pp.lib("guard_cloudfront").origins_rule({ id = "ct-cloudfront-pr-8", none = "no custom origins",
  each = function(ctx, i, o, coc, dc)
    if not is_struct(coc) then return false end
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
    return true
  end,
})
