-- CT.EC2.PR.9: network interfaces created from an EC2 launch template must not get a public IP.
local g = pp.lib("guard")
local is_false = g.is_false
local show = g.show
local blank = g.blank_bytes
local is_list = pp.is_list

local is_struct = pp.is_map

-- Does this NetworkInterfaces entry create a new interface (and so need checking)? Entries that
-- attach an existing interface by a non-blank id string, or by Fn::GetAtt of an
-- AWS::EC2::NetworkInterface in this template, are left out.
local function creates_interface(ni, ctx)
  if not pp.is_view(ni) then return true end
  local id = ni.NetworkInterfaceId
  if id == nil then return true end
  if type(id) == "string" then return blank(id) end
  if not is_struct(id) then return false end
  local ga = id["Fn::GetAtt"]
  if ga == nil then return true end
  if is_list(ga) and type(ga[1]) == "string" then
    local target = ctx.resource(ga[1])
    if target and target.type == "AWS::EC2::NetworkInterface" then return false end
  end
  return true
end

return g.rule({ id = "ct-ec2-pr-9", types = { "AWS::EC2::LaunchTemplate" }, noun = "launch template",
  judge = function(ctx, p)
    local data = p.LaunchTemplateData
    local nis = is_struct(data) and data.NetworkInterfaces
    if not is_list(nis) or #nis == 0 then
      return ctx.skip("the launch template declares no network interfaces")
    end
    local ok = true
    for i = 1, #nis do
      local ni = nis[i]
      if creates_interface(ni, ctx) then
        local v = nil
        if pp.is_view(ni) then v = ni.AssociatePublicIpAddress end
        if v == nil then
          ok = ctx.fail("LaunchTemplateData.NetworkInterfaces[" .. i ..
                        "] does not set AssociatePublicIpAddress; it must be false", nis, i)
        elseif not is_false(v) then
          ok = ctx.fail("LaunchTemplateData.NetworkInterfaces[" .. i .. "].AssociatePublicIpAddress is " ..
                        show(v) .. "; it must be the boolean false", ni, "AssociatePublicIpAddress")
        end
      end
    end
    return ok
  end,
})
