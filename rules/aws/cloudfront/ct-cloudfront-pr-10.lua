-- CT.CLOUDFRONT.PR.10 (cloudfront_origin_access_control_enabled_check): CloudFront distributions reach S3 origins through origin access control.
local g = pp.lib("guard")
local is_struct = g.is_struct_read
local nonblank = g.nonblank
local local_ref = g.local_ref
local is_view = pp.is_view

local OAC = "AWS::CloudFront::OriginAccessControl"

-- The tail of Guard's S3_BUCKET_DNS_NAME_PATTERN after ".s3":
-- (-external-\d|[-\.][a-z]*-[a-z]*-[0-9])?\.amazonaws\.com(\.cn)?$
local function s3_tail(t)
  if t:sub(-3) == ".cn" then t = t:sub(1, -4) end
  if t:sub(-14) ~= ".amazonaws.com" then return false end
  local mid = t:sub(1, -15)
  if mid == "" then return true end
  if mid:find("^%-external%-%d$") then return true end
  -- [-\.][a-z]*-[a-z]*-[0-9]
  local first = mid:sub(1, 1)
  if (first ~= "-" and first ~= ".") or not mid:find("^%-%d$", #mid - 1) then return false end
  local inner = mid:sub(2, -3)
  local _, e = inner:find("^[a-z]*%-")
  return e ~= nil and inner:find("^[a-z]*$", e + 1) ~= nil
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

return g.rule({ id = "ct-cloudfront-pr-10", types = { "AWS::CloudFront::Distribution" },
  judge = function(ctx, p)
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
})
