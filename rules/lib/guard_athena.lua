-- Shared by the Control Tower Athena workgroup rules (rules/aws/athena/ct-athena-pr-1, -2).
-- Loads after rules/lib/guard.lua (name order).
--
--   show(v)                      guard.show, but nil shows as "null".
--   object(ctx, node, key, path) node[key] when it is an object (pp.is_map); otherwise reports
--                                and returns nil: absent → fail "<path> is missing"; a value
--                                known only at deploy time → unknown; anything else → fail
--                                "<path> is <show(v)>, not an object".
--   encryption_rule(spec)        the rule of CT.ATHENA.PR.1 (spec.kms false) and .2 (true):
--                                WorkGroupConfiguration must be an object; its
--                                EnforceWorkGroupConfiguration absent or the boolean true
--                                (the string "true" and JSON null fail; a list passes when
--                                every entry is true); its ResultConfiguration an object whose
--                                EncryptionConfiguration is an object whose EncryptionOption
--                                is a string that is not blank (Unicode white space counts as
--                                blank). With spec.kms, the EncryptionConfiguration's KmsKey
--                                must be present and a string that is not blank, or a Ref or
--                                Fn::GetAtt (list form) to an AWS::KMS::Key or AWS::KMS::Alias
--                                of this template.
local g = pp.lib("guard")
local gshow = g.show
local type = type
local is_list, is_map, is_unknown, has = pp.is_list, pp.is_map, pp.is_unknown, pp.has
local all_true, blank = g.is_true_ipairs, g.blank_strip

local function show(v)
  if v == nil then return "null" end
  return gshow(v)
end

local function object(ctx, node, key, path)
  local v = node[key]
  if v == nil then
    ctx.fail(path .. " is missing", node)
  elseif is_unknown(v) then
    ctx.unknown(path .. " depends on a value known only at deploy time", node, key)
  elseif not is_map(v) then
    ctx.fail(path .. " is " .. show(v) .. ", not an object", node, key)
  else
    return v
  end
  return nil
end

-- a Ref or Fn::GetAtt [Id, Attr] to a resource of one of the types in this template
local function ref_to_any(ctx, v, types)
  if not is_map(v) then return false end
  local ga = v["Fn::GetAtt"]
  if is_list(ga) and type(ga[1]) == "string" then
    local res = ctx.resource(ga[1])
    if res and types[res.type] then return true end
  end
  local id = v.Ref
  if type(id) ~= "string" then return false end
  local res = ctx.resource(id)
  return res ~= nil and types[res.type] == true
end

local KMS_TYPES = { ["AWS::KMS::Key"] = true, ["AWS::KMS::Alias"] = true }

local function encryption_rule(spec)
  local kms = spec.kms
  return g.rule({ id = spec.id, types = { "AWS::Athena::WorkGroup" },
    judge = function(ctx, p)
      local wgc = object(ctx, p, "WorkGroupConfiguration", "WorkGroupConfiguration")
      if wgc == nil then return end
      local enforce = wgc.EnforceWorkGroupConfiguration
      if enforce ~= nil or has(wgc, "EnforceWorkGroupConfiguration") then
        if is_unknown(enforce) then
          ctx.unknown("EnforceWorkGroupConfiguration depends on a value known only at deploy time", wgc,
                      "EnforceWorkGroupConfiguration")
        elseif not all_true(enforce) then
          ctx.fail("WorkGroupConfiguration.EnforceWorkGroupConfiguration is " .. show(enforce)
                   .. ": clients can override the workgroup's encryption settings", wgc,
                   "EnforceWorkGroupConfiguration")
        end
      end
      local rc = object(ctx, wgc, "ResultConfiguration", "WorkGroupConfiguration.ResultConfiguration")
      if rc == nil then return end
      local ec = object(ctx, rc, "EncryptionConfiguration",
                        "WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration")
      if ec == nil then return end
      local opt = ec.EncryptionOption
      if opt == nil then
        ctx.fail("EncryptionConfiguration.EncryptionOption is missing", ec)
      elseif is_unknown(opt) then
        ctx.unknown("EncryptionOption depends on a value known only at deploy time", ec, "EncryptionOption")
      elseif type(opt) ~= "string" or blank(opt) then
        ctx.fail("EncryptionConfiguration.EncryptionOption is " .. show(opt)
                 .. ", not an encryption option", ec, "EncryptionOption")
      end
      if not kms then return end
      local key = ec.KmsKey
      if key == nil then
        ctx.fail("EncryptionConfiguration.KmsKey is missing: results are not encrypted with a KMS key", ec)
      elseif is_unknown(key) then
        ctx.unknown("KmsKey depends on a value known only at deploy time", ec, "KmsKey")
      elseif type(key) == "string" then
        if blank(key) then ctx.fail("EncryptionConfiguration.KmsKey is blank", ec, "KmsKey") end
      elseif not ref_to_any(ctx, key, KMS_TYPES) then
        ctx.fail("EncryptionConfiguration.KmsKey is " .. show(key) .. ", neither a key id, ARN or "
                 .. "alias nor a reference to an AWS::KMS::Key or AWS::KMS::Alias of this template",
                 ec, "KmsKey")
      end
    end,
  })
end

return { show = show, object = object, encryption_rule = encryption_rule }
