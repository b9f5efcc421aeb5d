-- CT.S3.PR.3 (s3_version_lifecycle_policy_check): Versioned S3 buckets have an enabled lifecycle rule.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local get = g.get
local is_view = pp.is_view

return g.rule({ id = "ct-s3-pr-3", types = { "AWS::S3::Bucket" },
  judge = function(ctx, p)
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
})
