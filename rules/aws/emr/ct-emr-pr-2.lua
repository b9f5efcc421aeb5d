-- CT.EMR.PR.2: an EMR security configuration encrypts EMRFS data in S3 with KMS.
-- Guard semantics kept: as CT.EMR.PR.1, and S3EncryptionConfiguration.EncryptionMode must be
-- SSE-KMS or CSE-KMS (a list passes when every entry is); when Overrides is a non-empty list,
-- every override must be an object whose EncryptionMode is also SSE-KMS or CSE-KMS.
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local type, ipairs = type, ipairs
local is_view = pp.is_view

local KMS = { ["SSE-KMS"] = true, ["CSE-KMS"] = true }

local kms_mode = g.string_in(KMS)

local function check_mode(ctx, node, where)
  local mode = node.EncryptionMode
  if mode == nil then
    ctx.fail(where .. "EncryptionMode is missing", node)
  elseif not kms_mode(mode) then
    ctx.fail(where .. "EncryptionMode is " .. show(mode) .. ": use SSE-KMS or CSE-KMS", node,
             "EncryptionMode")
  end
end

return pp.lib("guard_emr").config_rule({ id = "ct-emr-pr-2", flag = "EnableAtRestEncryption",
  outer = "AtRestEncryptionConfiguration", inner = "S3EncryptionConfiguration",
  judge = function(ctx, s3)
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
