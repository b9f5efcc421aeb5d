-- CT.ELASTICFILESYSYSTEM.PR.1: an EFS file system encrypts its data.
-- Guard semantics kept: Encrypted must be present and the boolean true (the string "true"
-- fails; a list passes when every entry is true, so an empty list passes).
local g = pp.lib("guard")
local show = g.show
local all_eq = g.eq_ipairs

return g.rule({ id = "ct-elasticfilesysystem-pr-1", types = { "AWS::EFS::FileSystem" },
  judge = function(ctx, p)
    local v = p.Encrypted
    if v == nil then
      return ctx.fail("Encrypted is missing: the file system is not encrypted", p)
    end
    if not all_eq(v, true) then
      return ctx.fail("Encrypted is " .. show(v) .. ", not the boolean true", p, "Encrypted")
    end
  end,
})
