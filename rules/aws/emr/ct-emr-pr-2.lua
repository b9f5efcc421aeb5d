-- CT.EMR.PR.2: an EMR security configuration encrypts EMRFS data in S3 with KMS.
-- Guard semantics kept: as CT.EMR.PR.1, and S3EncryptionConfiguration.EncryptionMode must be
-- SSE-KMS or CSE-KMS (a list passes when every entry is); when Overrides is a non-empty list,
-- every override must be an object whose EncryptionMode is also SSE-KMS or CSE-KMS.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local emr = pp.lib("guard_emr")
local object_at = emr.object_at
local encryption_configuration = emr.encryption_configuration
local EC = emr.EC
local flag_true = emr.flag_true
local type, ipairs = type, ipairs
local is_view = pp.is_view

local KMS = { ["SSE-KMS"] = true, ["CSE-KMS"] = true }

local function kms_mode(v)
  if is_list(v) then
    for _, e in ipairs(v) do
      if type(e) ~= "string" or not KMS[e] then return false end
    end
    return true
  end
  return type(v) == "string" and KMS[v] == true
end

local function check_mode(ctx, node, where)
  local mode = node.EncryptionMode
  if mode == nil then
    ctx.fail(where .. "EncryptionMode is missing", node)
  elseif not kms_mode(mode) then
    ctx.fail(where .. "EncryptionMode is " .. show(mode) .. ": use SSE-KMS or CSE-KMS", node,
             "EncryptionMode")
  end
end

return g.rule({ id = "ct-emr-pr-2", types = { "AWS::EMR::SecurityConfiguration" },
  judge = function(ctx, p)
    local ec = encryption_configuration(ctx, p)
    if not ec then return end
    flag_true(ctx, ec, "EnableAtRestEncryption")
    local at = object_at(ctx, ec, "AtRestEncryptionConfiguration", EC)
    if not at then return end
    local s3 = object_at(ctx, at, "S3EncryptionConfiguration",
                         EC .. "AtRestEncryptionConfiguration.")
    if not s3 then return end
    check_mode(ctx, s3, "S3EncryptionConfiguration.")
    local ov = s3.Overrides
    if is_list(ov) then
      for i, o in ipairs(ov) do
        if is_view(o) and not is_list(o) then
          check_mode(ctx, o, "S3EncryptionConfiguration.Overrides[" .. i .. "].")
        else
          ctx.fail("S3EncryptionConfiguration.Overrides[" .. i .. "] is " .. show(o)
                   .. ", not an override object", ov, i)
        end
      end
    end
  end,
})
