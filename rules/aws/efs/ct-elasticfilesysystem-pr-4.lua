-- CT.ELASTICFILESYSYSTEM.PR.4: an EFS access point enforces a user identity.
-- Guard semantics kept: PosixUser must be an object whose Uid and Gid are non-blank strings
-- (a number such as 1000 fails: Guard compares types strictly).
local g = pp.lib("guard")

local IDS = {
  { key = "Uid", missing = true, ok = g.nonblank, bad = ", not a non-blank string" },
  { key = "Gid", missing = true, ok = g.nonblank, bad = ", not a non-blank string" },
}

return g.object_rule({ id = "ct-elasticfilesysystem-pr-4", types = { "AWS::EFS::AccessPoint" }, section = "PosixUser",
  missing = "PosixUser is missing: clients choose their own identity", props = IDS })
