-- CT.ECR.PR.2: a private ECR repository scans images on push.
-- Guard semantics kept: ImageScanningConfiguration must be an object whose ScanOnPush is the
-- boolean true (the string "true" fails; a list passes when every entry is true).
local g = pp.lib("guard")
return g.value_rule({ id = "ct-ecr-pr-2", types = { "AWS::ECR::Repository" },
  keys = { "ImageScanningConfiguration", "ScanOnPush" }, ok = g.is_true_ipairs, bad = ", not the boolean true",
  missing = { "ImageScanningConfiguration is missing: images are not scanned on push" } })
