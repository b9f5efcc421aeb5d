-- CT.S3.PR.8 (s3_bucket_policy_ssl_requests_only_check): S3 bucket policies deny requests that do not use TLS.
-- Parapet resolves Fn::Join: an object ARN written as {Fn::Join: ["", [{Fn::GetAtt: [Bucket, Arn]}, "/*"]]}
-- reaches the rule as a deploy-time unknown, so a statement that needs it is reported UNKNOWN (Guard passes it).
local g = pp.lib("guard")
local struct_at = g.struct_at
local is_struct = g.is_struct_read
local eq_all = g.eq_all
local is_view = pp.is_view
local is_unknown = pp.is_unknown

local REQUIRED = { "Effect", "Action", "Principal", "Condition", "Resource" }

-- Number of keys of a map view (stops counting at 2).
local function nkeys(v)
  local n = 0
  for _ in pairs(v) do
    n = n + 1
    if n > 1 then break end
  end
  return n
end

-- Guard's `Condition == {"Bool": {"aws:SecureTransport": "false"}}` (exact map equality).
local function insecure_transport_condition(c)
  if not is_struct(c) or nkeys(c) ~= 1 then return false end
  local b = c.Bool
  return is_struct(b) and nkeys(b) == 1 and b["aws:SecureTransport"] == "false"
end

-- Guard's `X[*] op`: op holds for item x, where an item that is itself a list holds when all its
-- items do (an empty one does) and a map never does.
local function item_holds(x, op)
  if is_view(x) then
    local n = #x
    for i = 1, n do
      if not op(x[i]) then return false end
    end
    return n > 0 or tostring(x) == "[]"
  end
  return op(x)
end

local function any_action(x) return x == "s3:*" or x == "*" end
local function star(x) return x == "*" end

-- Guard's `Action[*] in ["s3:*", "*"]` (and `Resource[*] == "*"` with star).
local function all_items(a, op)
  if is_view(a) then
    local n = #a
    if n == 0 then return false end
    for i = 1, n do
      if not item_holds(a[i], op) then return false end
    end
    return true
  end
  return op(a)
end

-- Guard's S3_BUCKET_ARN_PATTERN and S3_BUCKET_OBJECT_ARN_PATTERN:
-- /^arn:aws[a-z0-9\-]*:s3:::[a-z0-9][a-z0-9\.-]*[a-z0-9]$/ and the same followed by \/\*
local function bucket_name(s, from, to)
  local name = s:sub(from, to)
  return name:find("^[a-z0-9][a-z0-9%.%-]*[a-z0-9]$") ~= nil
end

local function bucket_arn(s)
  if type(s) ~= "string" then return false end
  local _, e = s:find("^arn:aws[a-z0-9%-]*:s3:::")
  return e ~= nil and bucket_name(s, e + 1, -1)
end

local function object_arn(s)
  if type(s) ~= "string" or s:sub(-2) ~= "/*" then return false end
  local _, e = s:find("^arn:aws[a-z0-9%-]*:s3:::")
  return e ~= nil and bucket_name(s, e + 1, -3)
end

-- {Fn::GetAtt: [Id, "Arn"]} where Id is an AWS::S3::Bucket of this template.
local function bucket_arn_ref(ctx, v)
  if not is_view(v) then return false end
  local ga = v["Fn::GetAtt"]
  if not is_view(ga) or ga[2] ~= "Arn" or type(ga[1]) ~= "string" then return false end
  local t = ctx.resource(ga[1])
  return t ~= nil and t.type == "AWS::S3::Bucket"
end

-- Whether Resource covers the bucket: true, false, or "unknown" when it would take an object
-- ARN built with Fn::Join (which Parapet resolves to a deploy-time unknown).
local function resource_ok(ctx, res)
  if all_items(res, star) then return true end
  if not is_view(res) then return false end
  local n = #res
  if n == 0 then return false end
  local barn, oarn, bref, unk = false, false, false, false
  for i = 1, n do
    local x = res[i]
    if is_unknown(x) then
      unk = true
    else
      if not barn and item_holds(x, bucket_arn) then barn = true end
      if not oarn and item_holds(x, object_arn) then oarn = true end
      if not bref and bucket_arn_ref(ctx, x) then bref = true end
    end
  end
  if barn and oarn then return true end
  if bref and unk then return "unknown" end
  return false
end

-- Guard's check_statement_ssl_requests_only: true, false or "unknown".
local function denies_insecure(ctx, s)
  if not is_view(s) then return false end
  for i = 1, #REQUIRED do
    if s[REQUIRED[i]] == nil then return false end
  end
  if not eq_all(s.Effect, "Deny") or not all_items(s.Action, any_action) then return false end
  local pr = s.Principal
  if not eq_all(pr, "*") and not (is_struct(pr) and pr.AWS ~= nil and eq_all(pr.AWS, "*")) then
    return false
  end
  if not insecure_transport_condition(s.Condition) then return false end
  return resource_ok(ctx, s.Resource)
end

return g.rule({ id = "ct-s3-pr-8", types = { "AWS::S3::BucketPolicy" },
  judge = function(ctx, p)
    local doc, verdict = struct_at(ctx, p, "PolicyDocument", "PolicyDocument is missing")
    if doc == nil then return verdict end
    local st = doc.Statement
    if st == nil then
      return ctx.fail("PolicyDocument has no Statement", doc)
    end
    local maybe = false
    if is_struct(st) then
      local ok = denies_insecure(ctx, st)
      if ok == true then return end
      maybe = ok == "unknown"
    elseif is_view(st) then
      for i = 1, #st do
        local ok = denies_insecure(ctx, st[i])
        if ok == true then return end
        if ok == "unknown" then maybe = true end
      end
    end
    if maybe then
      return ctx.unknown("a statement denies non-TLS requests if its Fn::Join resource is the bucket's /* object ARN",
                         doc, "Statement")
    end
    return ctx.fail("no statement denies requests without TLS (Deny, Principal *, Action s3:*, " ..
                    "Condition Bool aws:SecureTransport \"false\") on the whole bucket", doc, "Statement")
  end,
})
