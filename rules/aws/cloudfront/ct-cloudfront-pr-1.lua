-- CT.CLOUDFRONT.PR.1 (cloudfront_default_root_object_configured_check): CloudFront distributions set a default root object.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local nonblank = g.nonblank

return g.rule({ id = "ct-cloudfront-pr-1", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.fail("DistributionConfig is " .. tostring(dc) .. ", not a map", p, dc ~= nil and "DistributionConfig" or nil)
    end
    local v = dc.DefaultRootObject
    if v == nil then
      return ctx.fail("DistributionConfig.DefaultRootObject is missing", dc)
    end
    if not nonblank(v) then
      return ctx.fail("DistributionConfig.DefaultRootObject is " .. tostring(v) .. ", not an object name",
                      dc, "DefaultRootObject")
    end
  end,
})
