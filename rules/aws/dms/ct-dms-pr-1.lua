-- CT.DMS.PR.1: a replication instance must say PubliclyAccessible: false, explicitly.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show

return g.rule({ id = "ct-dms-pr-1", types = { "AWS::DMS::ReplicationInstance" },
  judge = function(ctx, p)
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set, and the replication instance may then get a public address; set it to false", p)
    end
    if not is_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false",
                      p, "PubliclyAccessible")
    end
  end,
})
