-- CT.CLOUDFRONT.PR.10 (cloudfront_origin_access_control_enabled_check): CloudFront distributions reach S3 origins through origin access control.
local is_view = pp.is_view

-- Guard's is_struct: a map (an empty map prints as {}).
local function is_struct(v)
  if not is_view(v) or #v > 0 then return false end
  for _ in pairs(v) do return true end
  return tostring(v) == "{}"
end

local UWS = { [0x85] = true, [0xA0] = true, [0x1680] = true, [0x2028] = true, [0x2029] = true,
              [0x202F] = true, [0x205F] = true, [0x3000] = true }

-- True when s is only whitespace (Guard's /\A\s*\z/, Unicode \s).
local function blank(s)
  if not s:find("[\128-\255]") then return s:find("^%s*$") ~= nil end
  for _, c in utf8.codes(s) do
    if not ((c >= 9 and c <= 13) or c == 32 or UWS[c] or (c >= 0x2000 and c <= 0x200A)) then
      return false
    end
  end
  return true
end

-- Guard's check_is_string_and_not_empty: a string that is not only whitespace.
local function nonblank(v)
  return type(v) == "string" and not blank(v)
end

-- Guard's check_local_references: a {Fn::GetAtt: [Id, …]} or {Ref: Id} naming a resource of
-- type rtype in this template.
local function local_ref(ctx, v, rtype)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_view(ga) and type(ga[1]) == "string" then
    local t = ctx.resource(ga[1])
    if t and t.type == rtype then return true end
  end
  local ref = v.Ref
  if type(ref) == "string" then
    local t = ctx.resource(ref)
    if t and t.type == rtype then return true end
  end
  return false
end

local OAC = "AWS::CloudFront::OriginAccessControl"

-- The tail of Guard's S3_BUCKET_DNS_NAME_PATTERN after ".s3":
-- (-external-\d|[-\.][a-z]*-[a-z]*-[0-9])?\.amazonaws\.com(\.cn)?$
local function s3_tail(t)
  t = t:gsub("%.cn$", "", 1)
  if t == ".amazonaws.com" then return true end
  if t:find("^%-external%-%d%.amazonaws%.com$") then return true end
  return t:find("^[%-%.][a-z]*%-[a-z]*%-[0-9]%.amazonaws%.com$") ~= nil
end

-- Guard's S3_BUCKET_DNS_NAME_PATTERN /(.*)\.s3(…)?\.amazonaws\.com(\.cn)?$/ (unanchored at the start).
local function s3_domain(s)
  if type(s) ~= "string" then return false end
  local i = 1
  while true do
    local a = s:find(".s3", i, true)
    if not a then return false end
    local t = s:sub(a + 3)
    if s3_tail(t) then return true end
    i = a + 1
  end
end

-- Guard's `DomainName == S3_BUCKET_DNS_NAME_PATTERN or check_origin_domain_name_get_att(DomainName)`.
local function s3_origin(ctx, d)
  if is_view(d) then
    local n = #d
    if n > 0 then
      local all = true
      for i = 1, n do
        if not s3_domain(d[i]) then all = false break end
      end
      if all then return true end
    elseif tostring(d) == "[]" then
      return true
    end
    local ga = d["Fn::GetAtt"]
    if is_view(ga) and #ga > 0 and (ga[2] == "DomainName" or ga[2] == "RegionalDomainName") then
      return local_ref(ctx, d, "AWS::S3::Bucket")
    end
    return false
  end
  return s3_domain(d)
end

return {
  id         = "ct-cloudfront-pr-10",
  title      = "CloudFront distributions reach S3 origins through origin access control",
  severity   = "medium",
  types      = { "AWS::CloudFront::Distribution" },
  packs      = { "control-tower" },
  controls   = { "CT.CLOUDFRONT.PR.10", "cloudfront_origin_access_control_enabled_check" },
  guard      = "cloudfront_origin_access_control_enabled_check",
  frameworks = {
    "NIST 800-53 Rev 5:SC-7(11)", "PCI DSS version 3.2.1:1.2.1", "PCI DSS version 3.2.1:1.3",
    "PCI DSS version 3.2.1:1.3.1", "PCI DSS version 3.2.1:1.3.2", "PCI DSS version 3.2.1:1.3.4",
  },
  docs       = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html#oac-permission-to-access-s3",
  fix        = "Drop the legacy S3Origin, and give every S3 origin an OriginAccessControlId (for example a Ref to an AWS::CloudFront::OriginAccessControl).",
  check = function(r, ctx)
    local p = r.properties
    local dc = p.DistributionConfig
    if not is_struct(dc) then
      return ctx.skip("no DistributionConfig map")
    end
    local legacy = dc.S3Origin ~= nil
    if legacy then
      ctx.fail("DistributionConfig uses the legacy S3Origin", dc, "S3Origin")
    end
    local origins = dc.Origins
    local s3 = 0
    if is_view(origins) then
      for i = 1, #origins do
        local o = origins[i]
        local d
        if is_view(o) then d = o.DomainName end
        if d ~= nil and s3_origin(ctx, d) then
          s3 = s3 + 1
          local oac = o.OriginAccessControlId
          if oac == nil then
            ctx.fail("S3 origin " .. i .. " has no OriginAccessControlId", origins, i)
          elseif not nonblank(oac) and not local_ref(ctx, oac, OAC) then
            ctx.fail("OriginAccessControlId of S3 origin " .. i .. " is " .. tostring(oac) ..
                     ", neither an id nor a reference to an origin access control in this template", o, "OriginAccessControlId")
          end
        end
      end
    end
    if s3 == 0 and not legacy then
      return ctx.skip("no S3 origins")
    end
  end,
}
