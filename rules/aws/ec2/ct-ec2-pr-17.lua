-- CT.EC2.PR.17: EC2 dedicated hosts must use a Nitro instance family or type that supports dedicated hosts.
local g = pp.lib("guard")
local show = g.show
local is_list = pp.is_list


local FAMILIES = pp.lib("ec2_families").nitro_dedicated_host

local ec2 = pp.lib("guard_ec2")
local _, accepted = ec2.instance_types(FAMILIES.families, FAMILIES.exact)

local FAMILY_NAME = {}
for _, n in ipairs(FAMILIES.hosts) do FAMILY_NAME[n] = true end

-- Guard `v in [/^family$/, ...]`: a list passes when every element matches
local function family_ok(v)
  if is_list(v) then
    for i = 1, #v do
      if not (type(v[i]) == "string" and FAMILY_NAME[v[i]]) then return false end
    end
    return true
  end
  return type(v) == "string" and FAMILY_NAME[v] == true
end

return g.rule({ id = "ct-ec2-pr-17", types = { "AWS::EC2::Host" }, noun = "dedicated host",
  judge = function(ctx, p)
    local fam, it = p.InstanceFamily, p.InstanceType
    if fam == nil and it == nil then
      return ctx.fail("the dedicated host sets neither InstanceFamily nor InstanceType", p)
    end
    local ok = true
    if fam ~= nil and not family_ok(fam) then
      ok = ctx.fail("InstanceFamily is " .. show(fam) .. ", not a Nitro family with dedicated host support",
                    p, "InstanceFamily")
    end
    if it ~= nil and not accepted(it) then
      ok = ctx.fail("InstanceType is " .. show(it) .. ", not a Nitro type with dedicated host support",
                    p, "InstanceType")
    end
    return ok
  end,
})
