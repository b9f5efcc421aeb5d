-- CT.EKS.PR.2: an EKS cluster encrypts Kubernetes secrets with a KMS key.
-- Guard semantics kept: EncryptionConfig must be a non-empty list with at least one object
-- entry whose Resources is a non-empty list containing "secrets" and whose Provider is an
-- object with a KeyArn that is a non-blank string or a Ref/GetAtt of an AWS::KMS::Key or
-- AWS::KMS::Alias in this template.
local g = pp.lib("guard")
local list_at = g.list_at
local nonblank = g.nonblank
local is_list = g.is_list
local is_struct = g.is_struct
local key_ref = g.kms_key_ref
local type, ipairs = type, ipairs

-- `some Resources[*] == "secrets"`: an entry that is itself a list counts when one of its
-- entries is "secrets".
local function has_secrets(res)
  for _, e in ipairs(res) do
    if e == "secrets" then return true end
    if is_list(e) then
      for _, x in ipairs(e) do
        if x == "secrets" then return true end
      end
    end
  end
  return false
end

local function entry_ok(ctx, e)
  if not is_struct(e) then return false end
  local res = e.Resources
  if not is_list(res) or #res == 0 or not has_secrets(res) then return false end
  local prov = e.Provider
  if not is_struct(prov) then return false end
  local arn = prov.KeyArn
  return arn ~= nil and ((nonblank(arn)) or key_ref(ctx, arn))
end

return g.rule({ id = "ct-eks-pr-2", types = { "AWS::EKS::Cluster" },
  judge = function(ctx, p)
    local ec, verdict = list_at(ctx, p, "EncryptionConfig", "EncryptionConfig is missing: secrets are not encrypted with your KMS key")
    if ec == nil then return verdict end
    for _, e in ipairs(ec) do
      if entry_ok(ctx, e) then return end
    end
    return ctx.fail("no EncryptionConfig entry encrypts \"secrets\" with a KMS key (Provider."
                    .. "KeyArn)", p, "EncryptionConfig")
  end,
})
