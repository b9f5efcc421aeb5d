-- Shared by the Control Tower CloudFront rules (rules/aws/cloudfront/ct-cloudfront-pr-*.lua).
-- Loads after rules/lib/guard.lua (name order).
--
--   not_in_set(v, set)     Guard's `v not in [...]` (set: a table keyed by the listed strings):
--                          a list passes when it has items and none is in the set; a map is
--                          never in the set.
--   config_section(ctx, p, key, missing)  DistributionConfig.KEY when both are objects
--                          (guard's struct_at; `missing` for an absent KEY), and DistributionConfig;
--                          nil after a FAIL.
--   viewer_certificate(ctx, p)  Guard's walk to DistributionConfig.ViewerCertificate (both read
--                          with is_struct_read): FAILs and returns nil when either is not a map
--                          (a missing ViewerCertificate: the default CloudFront certificate is
--                          used); FAILs when its CloudFrontDefaultCertificate is set and not
--                          false; returns the ViewerCertificate.
--   custom_certificate(ctx, vc)  Guard's check_custom_acm_certificate_provided /
--                          check_custom_iam_certificate_provided: a non-blank AcmCertificateArn
--                          (or a reference to an AWS::CertificateManager::Certificate of this
--                          template), or a non-blank IamCertificateId.
--   certificate_rule(spec)  the rule of CT.CLOUDFRONT.PR.6 and .7: viewer_certificate; a
--                          custom_certificate; MinimumProtocolVersion and SslSupportMethod (both
--                          read) present and passing spec.protocol / spec.method, else FAIL
--                          "ViewerCertificate.<key> is <v><spec.protocol_bad / method_bad>".
--   origins_rule(spec)     the rule of an AWS::CloudFront::Distribution judging its custom
--                          origins: SKIP without a DistributionConfig map; FAIL on the legacy
--                          CustomOrigin; spec.each(ctx, i, o, coc, dc) for every entry o of
--                          Origins (coc its CustomOriginConfig, when o is a view), which returns
--                          true for an origin it judged; SKIP with spec.none when none was and
--                          there is no legacy CustomOrigin.
local g = pp.lib("guard")
local is_struct, all_false, nonblank, local_ref = g.is_struct_read, g.is_false, g.nonblank, g.local_ref
local struct_at = g.struct_at
local is_view = pp.is_view
local tostring = tostring

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

-- DistributionConfig.KEY, both objects (struct_at): the section and DistributionConfig, or nil
-- after a FAIL (`missing` when KEY is absent).
local function config_section(ctx, p, key, missing)
  local dc = struct_at(ctx, p, "DistributionConfig")
  if dc == nil then return nil end
  return struct_at(ctx, dc, key, missing), dc
end

local function viewer_certificate(ctx, p)
  local vc = config_section(ctx, p, "ViewerCertificate",
                            "DistributionConfig.ViewerCertificate is missing, so the default CloudFront certificate is used")
  if vc == nil then return nil end
  local def = vc.CloudFrontDefaultCertificate
  if def ~= nil and not all_false(def) then
    ctx.fail("ViewerCertificate.CloudFrontDefaultCertificate is " .. tostring(def) .. ", not false",
             vc, "CloudFrontDefaultCertificate")
  end
  return vc
end

local function custom_certificate(ctx, vc)
  local acm, iam = vc.AcmCertificateArn, vc.IamCertificateId
  if acm ~= nil and (nonblank(acm) or local_ref(ctx, acm, "AWS::CertificateManager::Certificate")) then
    return true
  end
  return iam ~= nil and nonblank(iam)
end

local function certificate_rule(spec)
  local protocol, method = spec.protocol, spec.method
  local protocol_bad, method_bad = spec.protocol_bad, spec.method_bad
  return g.rule({ id = spec.id, types = { "AWS::CloudFront::Distribution" },
    judge = function(ctx, p)
      local vc = viewer_certificate(ctx, p)
      if not vc then return false end
      if not custom_certificate(ctx, vc) then
        ctx.fail("ViewerCertificate names neither an ACM certificate (AcmCertificateArn) nor an IAM certificate (IamCertificateId)", vc)
      end
      local mpv, ssm = vc.MinimumProtocolVersion, vc.SslSupportMethod
      if mpv == nil or not protocol(mpv) then
        ctx.fail("ViewerCertificate.MinimumProtocolVersion is " .. tostring(mpv) .. protocol_bad,
                 vc, mpv ~= nil and "MinimumProtocolVersion" or nil)
      end
      if ssm == nil or not method(ssm) then
        ctx.fail("ViewerCertificate.SslSupportMethod is " .. tostring(ssm) .. method_bad,
                 vc, ssm ~= nil and "SslSupportMethod" or nil)
      end
    end,
  })
end

local function origins_rule(spec)
  local each, none = spec.each, spec.none
  return g.rule({ id = spec.id, types = { "AWS::CloudFront::Distribution" },
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
          if each(ctx, i, o, coc, dc) then n = n + 1 end
        end
      end
      if n == 0 and not legacy then
        return ctx.skip(none)
      end
    end,
  })
end

return { not_in_set = not_in_set, config_section = config_section, viewer_certificate = viewer_certificate,
         custom_certificate = custom_certificate, certificate_rule = certificate_rule,
         origins_rule = origins_rule }
