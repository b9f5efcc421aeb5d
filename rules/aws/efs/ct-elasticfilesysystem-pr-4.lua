-- CT.ELASTICFILESYSYSTEM.PR.4: an EFS access point enforces a user identity.
-- Guard semantics kept: PosixUser must be an object whose Uid and Gid are non-blank strings
-- (a number such as 1000 fails: Guard compares types strictly).
local g = pp.lib("guard")
local nonblank = g.nonblank
local show = g.show
local type, find, tostring = type, string.find, tostring
local is_view = pp.is_view

local function check_id(ctx, pu, key)
  local v = pu[key]
  if v == nil then
    ctx.fail("PosixUser." .. key .. " is missing", pu)
  elseif not (nonblank(v)) then
    ctx.fail("PosixUser." .. key .. " is " .. show(v) .. ", not a non-blank string", pu, key)
  end
end

return {
  title      = "EFS access points enforce a POSIX user identity",
  id         = "ct-elasticfilesysystem-pr-4",
  severity   = "medium",
  types      = { "AWS::EFS::AccessPoint" },
  packs      = { "control-tower" },
  controls   = { "CT.ELASTICFILESYSYSTEM.PR.4", "efs_access_point_enforce_user_identity_check" },
  guard      = "efs_access_point_enforce_user_identity_check",
  frameworks = {
    "NIST 800-53 Rev 5:AC-6(2)", "PCI DSS version 3.2.1:7.1.1",
    "PCI DSS version 3.2.1:7.2.1", "PCI DSS version 3.2.1:7.2.2"
  },
  docs       = "https://docs.aws.amazon.com/efs/latest/ug/efs-access-points.html#enforce-identity-access-points",
  fix        = "Set PosixUser with Uid and Gid (as strings, for example \"1000\") so every "
            .. "request through the access point uses that identity.",
  check = function(r, ctx)
    local p = r.properties
    local pu = p.PosixUser
    if pu == nil then
      return ctx.fail("PosixUser is missing: clients choose their own identity", p)
    end
    if not is_view(pu) or (#pu > 0 or tostring(pu) == "[]") then
      return ctx.fail("PosixUser is " .. show(pu) .. ", not an object", p, "PosixUser")
    end
    check_id(ctx, pu, "Uid")
    check_id(ctx, pu, "Gid")
  end,
}
