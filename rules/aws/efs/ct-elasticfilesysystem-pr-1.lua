-- CT.ELASTICFILESYSYSTEM.PR.1: an EFS file system encrypts its data.
-- Guard semantics kept: Encrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local is_list = g.is_list
local show = g.show
local all_eq = g.eq_ipairs

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
