-- CT.REDSHIFT.PR.1: a Redshift cluster is not publicly accessible.
-- Guard semantics kept: PubliclyAccessible must be present and the boolean false (absent fails,
-- although the service now defaults to private; the string "false" fails; a list passes when
-- every entry is the boolean false, so an empty list passes). The network pack's
-- redshift-cluster-not-public judges the same setting on its own terms (absent passes).
-- A value Parapet cannot resolve (a parameter without a default, an import) is UNKNOWN.
local type, tostring, ipairs = type, tostring, ipairs
local is_list = pp.is_list

local show = pp.lib("exposure").describe

-- Guard `v == false`
local function all_false(v)
  if v == false then return true end
  if not is_list(v) then return false end
  for _, e in ipairs(v) do
    if e ~= false then return false end
  end
  return true
end
local rule = pp.lib("guard").rule

return rule({ id = "ct-redshift-pr-1", types = { "AWS::Redshift::Cluster" },
  judge = function(ctx, p)
    local v = p.PubliclyAccessible
    if v == nil then
      return ctx.fail("PubliclyAccessible is not set; this control wants it explicitly false", p)
    end
    if pp.is_unknown(v) then
      return ctx.unknown("PubliclyAccessible depends on a value Parapet cannot resolve", p,
                         "PubliclyAccessible")
    end
    if not all_false(v) then
      return ctx.fail("PubliclyAccessible is " .. show(v) .. "; it must be the boolean false", p,
                      "PubliclyAccessible")
    end
  end,
})
