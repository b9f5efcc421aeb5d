-- CT.ELASTICFILESYSYSTEM.PR.1: an EFS file system encrypts its data.
-- Guard semantics kept: Encrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local type, format, tostring, ipairs = type, string.format, tostring, ipairs
local is_view = pp.is_view

local function is_list(v)
  return is_view(v) and (#v > 0 or tostring(v) == "[]")
end

local function show(v)
  if type(v) == "string" then return format("%q", v) end
  return tostring(v)
end

local function all_eq(v, x)
  if is_list(v) then
    for _, e in ipairs(v) do
      if e ~= x then return false end
    end
    return true
  end
  return v == x
end

return {
  title      = "EFS file systems are encrypted at rest",
  id         = "ct-elasticfilesysystem-pr-1",
  severity   = "medium",
  types      = { "AWS::EFS::FileSystem" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICFILESYSYSTEM.PR.1", "efs_encrypted_check" },
  guard      = "efs_encrypted_check",
  frameworks = {
    "NIST 800-53 Rev 5:CA-9(1)", "NIST 800-53 Rev 5:CM-3(6)",
    "NIST 800-53 Rev 5:SC-13", "NIST 800-53 Rev 5:SC-28",
    "NIST 800-53 Rev 5:SC-28(1)", "NIST 800-53 Rev 5:SC-7(10)",
    "NIST 800-53 Rev 5:SI-7(6)", "PCI DSS version 3.2.1:3.4",
    "PCI DSS version 3.2.1:8.2.1"
  },
  docs       = "https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
  fix        = "Set Encrypted to true (optionally with a KmsKeyId for a customer managed key).",
  check = function(r, ctx)
    local p = r.properties
    local v = p.Encrypted
    if v == nil then
      return ctx.fail("Encrypted is missing: the file system is not encrypted", p)
    end
    if not all_eq(v, true) then
      return ctx.fail("Encrypted is " .. show(v) .. ", not the boolean true", p, "Encrypted")
    end
  end,
}
