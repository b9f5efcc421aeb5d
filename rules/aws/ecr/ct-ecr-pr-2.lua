-- CT.ECR.PR.2: a private ECR repository scans images on push.
-- Guard semantics kept: ImageScanningConfiguration must be an object whose ScanOnPush is the
-- boolean true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_true = g.is_true_ipairs
local is_view = pp.is_view

return g.rule({ id = "ct-ecr-pr-2", types = { "AWS::ECR::Repository" },
  judge = function(ctx, p)
    local isc = p.ImageScanningConfiguration
    if isc == nil then
      return ctx.fail("ImageScanningConfiguration is missing: images are not scanned on push", p)
    end
    if not is_view(isc) or is_list(isc) then
      return ctx.fail("ImageScanningConfiguration is " .. show(isc) .. ", not an object", p,
                      "ImageScanningConfiguration")
    end
    local v = isc.ScanOnPush
    if v == nil then
      return ctx.fail("ImageScanningConfiguration.ScanOnPush is missing", isc)
    end
    if not all_true(v) then
      return ctx.fail("ImageScanningConfiguration.ScanOnPush is " .. show(v)
                      .. ", not the boolean true", isc, "ScanOnPush")
    end
  end,
})
