-- CT.CLOUDFRONT.PR.3 (cloudfront_viewer_policy_https_check): CloudFront distributions require HTTPS between viewers and CloudFront.
local g = pp.lib("guard")
local struct_at = g.struct_at
local is_struct = g.is_struct_read
local in_set = g.in_set
local is_view = pp.is_view

local HTTPS = { ["https-only"] = true, ["redirect-to-https"] = true }

local function check_behavior(ctx, b, what, where, key)
  local v
  if is_view(b) then v = b.ViewerProtocolPolicy end
  if v == nil then
    ctx.fail(what .. " has no ViewerProtocolPolicy", where, key)
  elseif not in_set(v, HTTPS) then
    ctx.fail("ViewerProtocolPolicy of " .. what .. " is " .. tostring(v) .. ", not https-only or redirect-to-https",
             b, "ViewerProtocolPolicy")
  end
end

return g.rule({ id = "ct-cloudfront-pr-3", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local dc, verdict = struct_at(ctx, p, "DistributionConfig")
    if dc == nil then return verdict end
    local d = dc.DefaultCacheBehavior
    if not is_struct(d) then
      ctx.fail("DefaultCacheBehavior is " .. tostring(d) .. ", not a map", dc, d ~= nil and "DefaultCacheBehavior" or nil)
    else
      check_behavior(ctx, d, "DefaultCacheBehavior", dc, "DefaultCacheBehavior")
    end
    local cbs = dc.CacheBehaviors
    if is_view(cbs) then
      for i = 1, #cbs do
        check_behavior(ctx, cbs[i], "cache behavior " .. i, cbs, i)
      end
    end
  end,
})
