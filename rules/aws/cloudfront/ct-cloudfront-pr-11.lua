-- CT.CLOUDFRONT.PR.11 (cloudfront_no_deprecated_ssl_protocols_check): CloudFront distributions do not use SSLv3 to reach custom origins.
local g, cf = pp.lib("guard"), pp.lib("guard_cloudfront")
local not_in_set = cf.not_in_set
local is_struct = g.is_struct_read
local is_view = pp.is_view

local HTTP_ONLY = { ["http-only"] = true }

return cf.origins_rule({ id = "ct-cloudfront-pr-11", none = "no custom origins that use HTTPS",
  each = function(ctx, i, o, coc, dc)
    if not (is_struct(coc) and coc.OriginProtocolPolicy ~= nil and not_in_set(coc.OriginProtocolPolicy, HTTP_ONLY)) then
      return false
    end
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
    return true
  end,
})
