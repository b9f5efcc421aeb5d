-- CT.CLOUDFRONT.PR.11 (cloudfront_no_deprecated_ssl_protocols_check): CloudFront distributions do not use SSLv3 to reach custom origins.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local is_view = pp.is_view

-- Guard's `v not in [...]` (set: a table keyed by the listed strings): a list passes when it
-- has items and none is in the set; a map is never in the set.
local function not_in_set(v, set)
  if is_view(v) then
    local n = #v
    for i = 1, n do
      if set[v[i]] then return false end
    end
    return n > 0 or tostring(v) ~= "[]"
  end
  return not set[v]
end

local HTTP_ONLY = { ["http-only"] = true }

return g.rule({ id = "ct-cloudfront-pr-11", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.skip("no DistributionConfig map")
    end
    local legacy = dc.CustomOrigin ~= nil
    if legacy then
      ctx.fail("DistributionConfig uses the legacy CustomOrigin", dc, "CustomOrigin")
    end
    local origins = dc.Origins
    local n = 0
    if is_view(origins) then
      for i = 1, #origins do
        local o = origins[i]
        local coc
        if is_view(o) then coc = o.CustomOriginConfig end
        if is_struct(coc) and coc.OriginProtocolPolicy ~= nil and not_in_set(coc.OriginProtocolPolicy, HTTP_ONLY) then
          n = n + 1
          local sp = coc.OriginSSLProtocols
          if not is_view(sp) or #sp == 0 then
            ctx.fail("CustomOriginConfig of origin " .. i .. " has no OriginSSLProtocols list", o, "CustomOriginConfig")
          else
            for j = 1, #sp do
              if sp[j] == "SSLv3" then
                ctx.fail("origin " .. i .. " allows SSLv3 in OriginSSLProtocols", sp, j)
                break
              end
            end
          end
        end
      end
    end
    if n == 0 and not legacy then
      return ctx.skip("no custom origins that use HTTPS")
    end
  end,
})
