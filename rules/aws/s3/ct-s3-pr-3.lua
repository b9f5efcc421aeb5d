-- CT.S3.PR.3 (s3_version_lifecycle_policy_check): Versioned S3 buckets have an enabled lifecycle rule.
local is_view = pp.is_view

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

local function get(v, k)
  if is_view(v) then return v[k] end
end

return {
  id         = "ct-s3-pr-3",
  title      = "Versioned S3 buckets have an enabled lifecycle rule",
  severity   = "high",
  types      = { "AWS::S3::Bucket" },
  packs      = { "control-tower" },
  controls   = { "CT.S3.PR.3", "s3_version_lifecycle_policy_check" },
  guard      = "s3_version_lifecycle_policy_check",
  frameworks = {
    "NIST 800-53 Rev 5:AU-9(2)", "NIST 800-53 Rev 5:CP-10", "NIST 800-53 Rev 5:CP-6(2)",
    "NIST 800-53 Rev 5:CP-9", "NIST 800-53 Rev 5:SC-5(2)", "NIST 800-53 Rev 5:SI-13(5)",
    "PCI DSS version 3.2.1:10.5.3", "PCI DSS version 3.2.1:10.5.4", "PCI DSS version 3.2.1:10.7",
    "PCI DSS version 3.2.1:3.1",
  },
  docs       = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html",
  fix        = "Add a LifecycleConfiguration with at least one rule whose Status is Enabled (for example to expire noncurrent versions).",
  check = function(r, ctx)
    local p = r.properties
    local vc = p.VersioningConfiguration
    if not is_struct(vc) or vc.Status == nil or not eq_all(vc.Status, "Enabled") then
      return ctx.skip("versioning is not enabled")
    end
    local lc = p.LifecycleConfiguration
    if lc == nil then
      return ctx.fail("the bucket is versioned but has no LifecycleConfiguration", p)
    end
    if not is_struct(lc) then
      return ctx.fail("LifecycleConfiguration is " .. tostring(lc) .. ", not a map", p, "LifecycleConfiguration")
    end
    local rules = lc.Rules
    if not is_view(rules) or #rules == 0 then
      return ctx.fail("LifecycleConfiguration.Rules is " .. tostring(rules) .. ", not a list of rules",
                      lc, rules ~= nil and "Rules" or nil)
    end
    for i = 1, #rules do
      local s = get(rules[i], "Status")
      if s ~= nil and eq_all(s, "Enabled") then return end
    end
    return ctx.fail("no lifecycle rule has Status Enabled", lc, "Rules")
  end,
}
