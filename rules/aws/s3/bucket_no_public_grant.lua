-- An S3 bucket is public when its ACL or its policy grants everyone and its public access block
-- does not stop that:
--   * AWS::S3::Bucket AccessControl PublicRead, PublicReadWrite or AuthenticatedRead, unless
--     PublicAccessBlockConfiguration sets BlockPublicAcls or IgnorePublicAcls to true;
--   * AWS::S3::BucketPolicy with an Allow statement whose Principal is "*" (or {AWS: "*"}) and
--     whose Condition does not pin the caller (aws:SourceVpc, aws:SourceVpce, aws:SourceIp,
--     aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceArn,
--     aws:SourceAccount), unless the bucket's PublicAccessBlockConfiguration sets
--     BlockPublicPolicy or RestrictPublicBuckets to true.
-- An absent PublicAccessBlockConfiguration fails: a new bucket then gets the account's or S3's
-- default block and the deployment fails when the grant is applied, and an existing bucket
-- without one becomes public. A policy on a bucket outside the template is UNKNOWN. Buckets
-- meant to be public (a website behind no CDN) go in the allow-list.
local exposure = pp.lib("exposure")
local allow_listed, upper_str, describe = exposure.allow_listed, exposure.upper_str, exposure.describe
local is_unknown, is_view, is_list, ref_of, to_str, to_bool = pp.is_unknown, pp.is_view, pp.is_list, pp.ref, pp.str, pp.bool
local lower = string.lower

local PUBLIC_ACLS = { PUBLICREAD = true, PUBLICREADWRITE = true, AUTHENTICATEDREAD = true }
local PINNING = { ["aws:sourcevpc"] = true, ["aws:sourcevpce"] = true, ["aws:sourceip"] = true,
  ["aws:principalorgid"] = true, ["aws:principalaccount"] = true, ["aws:principalarn"] = true,
  ["aws:sourcearn"] = true, ["aws:sourceaccount"] = true }

-- "blocked" when one of the two settings is true, "open" when none is, "unknown" otherwise.
local function block_state(bucket, k1, k2)
  local c = bucket.properties and bucket.properties.PublicAccessBlockConfiguration
  if c == nil then return "open", "the bucket has no PublicAccessBlockConfiguration" end
  if is_unknown(c) or not is_view(c) then return "unknown" end
  local doubt = false
  for _, k in ipairs({ k1, k2 }) do
    local v = c[k]
    if is_unknown(v) then doubt = true elseif to_bool(v) == true then return "blocked" end
  end
  if doubt then return "unknown" end
  return "open", "its PublicAccessBlockConfiguration leaves " .. k1 .. " and " .. k2 .. " off"
end

local function everyone(pr)
  if pr == nil or is_unknown(pr) then return false end
  if to_str(pr) == "*" then return true end
  if is_view(pr) and not is_list(pr) then
    local a = pr.AWS
    if a == nil or is_unknown(a) then return false end
    if to_str(a) == "*" then return true end
    if is_list(a) then
      for i = 1, #a do
        if not is_unknown(a[i]) and to_str(a[i]) == "*" then return true end
      end
    end
  end
  return false
end

local function pinned(cond)
  if cond == nil then return false end
  if is_unknown(cond) or not is_view(cond) then return true end   -- cannot read: give the benefit
  for _, ops in pairs(cond) do
    if is_view(ops) and not is_list(ops) then
      for k in pairs(ops) do
        if type(k) == "string" and PINNING[lower(k)] then return true end
      end
    end
  end
  return false
end

-- The index of the first public statement, or nil.
local function public_statement(doc)
  if doc == nil or is_unknown(doc) or not is_view(doc) then return nil end
  local st = doc.Statement
  if st == nil or is_unknown(st) then return nil end
  local list = is_list(st) and st or { st }
  for i = 1, #list do
    local s = list[i]
    if is_view(s) and not is_list(s) then
      local eff = to_str(s.Effect)
      if eff and lower(eff) == "allow" and everyone(s.Principal) and not pinned(s.Condition) then
        return i
      end
    end
  end
  return nil
end

return {
  id = "s3-bucket-no-public-grant",
  types = { "AWS::S3::Bucket", "AWS::S3::BucketPolicy" },
  related = { "CT.S3.PR.1", "CT.S3.PR.5" },
  params = { allow_logical_ids = {}, allow_tags = {} },
  check = function(r, ctx)
    local p = r.properties
    local params = ctx.params
    if r.type == "AWS::S3::Bucket" then
      local acl, raw = upper_str(p, "AccessControl")
      if raw == "unknown" then
        return ctx.unknown("AccessControl depends on a value Parapet cannot resolve", p, "AccessControl")
      end
      if not (acl and PUBLIC_ACLS[acl]) then return true end
      local why = allow_listed(r, params)
      if why then return ctx.skip("allowed to be public: " .. why) end
      local state, detail = block_state(r, "BlockPublicAcls", "IgnorePublicAcls")
      if state == "blocked" then return true end
      if state == "unknown" then
        return ctx.unknown("AccessControl is " .. raw .. " and the public access block cannot be "
                           .. "resolved", p, "AccessControl")
      end
      return ctx.fail("AccessControl is " .. raw .. " and " .. detail .. ": the bucket is public",
                      p, "AccessControl")
    end
    local i = public_statement(p.PolicyDocument)
    if i == nil then
      pp.is_unknown(p.PolicyDocument)
      return true
    end
    local b = p.Bucket
    local bucket = b ~= nil and not is_unknown(b) and ref_of(b) and ctx.resource(b)
    if not bucket or bucket.type ~= "AWS::S3::Bucket" then
      return ctx.unknown(string.format("PolicyDocument.Statement[%d] allows Principal \"*\" on a "
                         .. "bucket outside this template (%s), whose public access block is not "
                         .. "visible", i - 1, describe(b)), p, "PolicyDocument")
    end
    local why = allow_listed(r, params) or allow_listed(bucket, params)
    if why then return ctx.skip("allowed to be public: " .. why) end
    local state, detail = block_state(bucket, "BlockPublicPolicy", "RestrictPublicBuckets")
    if state == "blocked" then return true end
    if state == "unknown" then
      return ctx.unknown("the policy allows Principal \"*\" and bucket " .. bucket.logical_id
                         .. "'s public access block cannot be resolved", p, "PolicyDocument")
    end
    return ctx.fail(string.format("PolicyDocument.Statement[%d] allows Principal \"*\" without a "
                    .. "condition that pins the caller, and bucket %s: %s: the bucket is public",
                    i - 1, bucket.logical_id, detail), p, "PolicyDocument")
  end,
}
