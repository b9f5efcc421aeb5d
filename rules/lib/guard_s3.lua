-- Shared by the Control Tower S3 rules (rules/aws/s3/ct-s3-pr-*.lua). Loads after
-- rules/lib/guard.lua (name order).
--
--   public_access_rule(spec)  the rule of CT.S3.PR.1 (buckets, spec.required: an absent
--                    PublicAccessBlockConfiguration FAILs) and .12 (access points: absent passes):
--                    the configuration is a map (is_struct_read) whose BlockPublicAcls,
--                    BlockPublicPolicy, IgnorePublicAcls and RestrictPublicBuckets are all true.
--   lifecycle_rule(spec)  the rule of CT.S3.PR.3 (spec.versioned: only buckets whose
--                    VersioningConfiguration.Status is Enabled; the others SKIP) and .6: a
--                    LifecycleConfiguration map (absent: FAIL with spec.missing) whose Rules list
--                    has an entry with Status Enabled.
local g = pp.lib("guard")
local is_struct, all_true, eq_all, get = g.is_struct_read, g.is_true, g.eq_all, g.get
local is_view = pp.is_view
local tostring = tostring

local SETTINGS = { "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets" }

local function public_access_rule(spec)
  local required = spec.required
  return g.rule({ id = spec.id, types = spec.types,
    judge = function(ctx, p)
      local c = p.PublicAccessBlockConfiguration
      if c == nil then
        if required then return ctx.fail("PublicAccessBlockConfiguration is missing", p) end
        return
      end
      if not is_struct(c) then
        return ctx.fail("PublicAccessBlockConfiguration is " .. tostring(c) .. ", not a map",
                        p, "PublicAccessBlockConfiguration")
      end
      for i = 1, #SETTINGS do
        local k = SETTINGS[i]
        local v = c[k]
        if v == nil then
          ctx.fail("PublicAccessBlockConfiguration." .. k .. " is missing", c)
        elseif not all_true(v) then
          ctx.fail("PublicAccessBlockConfiguration." .. k .. " is " .. tostring(v) .. ", not true", c, k)
        end
      end
    end,
  })
end

local function lifecycle_rule(spec)
  local versioned, missing = spec.versioned, spec.missing
  return g.rule({ id = spec.id, types = { "AWS::S3::Bucket" },
    judge = function(ctx, p)
      if versioned then
        local vc = p.VersioningConfiguration
        if not is_struct(vc) or vc.Status == nil or not eq_all(vc.Status, "Enabled") then
          return ctx.skip("versioning is not enabled")
        end
      end
      local lc = p.LifecycleConfiguration
      if lc == nil then
        return ctx.fail(missing, p)
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
end

return { public_access_rule = public_access_rule, lifecycle_rule = lifecycle_rule }
