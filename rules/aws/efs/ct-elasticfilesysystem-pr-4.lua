-- CT.ELASTICFILESYSYSTEM.PR.4: an EFS access point enforces a user identity.
-- Guard semantics kept: PosixUser must be an object whose Uid and Gid are non-blank strings
-- (a number such as 1000 fails: Guard compares types strictly).
local g = pp.lib("guard")
local show = g.show
local type, tostring = type, tostring
local is_view = pp.is_view

local IDS = {
  { key = "Uid", missing = true, ok = g.nonblank, bad = ", not a non-blank string" },
  { key = "Gid", missing = true, ok = g.nonblank, bad = ", not a non-blank string" },
}

return g.rule({ id = "ct-elasticfilesysystem-pr-4", types = { "AWS::EFS::AccessPoint" },
  judge = function(ctx, p)
    local pu = p.PosixUser
    if pu == nil then
      return ctx.fail("PosixUser is missing: clients choose their own identity", p)
    end
    if not is_view(pu) or (#pu > 0 or tostring(pu) == "[]") then
      return ctx.fail("PosixUser is " .. show(pu) .. ", not an object", p, "PosixUser")
    end
    return g.check_props(ctx, pu, IDS, "PosixUser.")
  end,
})
