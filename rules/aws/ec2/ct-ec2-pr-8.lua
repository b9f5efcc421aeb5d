-- CT.EC2.PR.8: EC2 instances must not get a public IP address: no top-level SubnetId (which
-- leaves the subnet default in charge) and AssociatePublicIpAddress: false on every new
-- network interface.
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

return g.rule({ id = "ct-ec2-pr-8", types = { "AWS::EC2::Instance" }, noun = "instance",
  judge = function(ctx, p)
    local ok = true
    if p.SubnetId ~= nil then
      ok = ctx.fail("SubnetId is set on the instance, so the subnet decides whether it gets a public IP; " ..
                    "set the subnet in NetworkInterfaces with AssociatePublicIpAddress: false instead", p, "SubnetId")
    end
    local nis = p.NetworkInterfaces
    if is_list(nis) then
      for i = 1, #nis do
        local ni = nis[i]
        if creates_interface(ni, ctx) then
          local v = nil
          if pp.is_view(ni) then v = ni.AssociatePublicIpAddress end
          if v == nil then
            ok = ctx.fail("NetworkInterfaces[" .. i .. "] does not set AssociatePublicIpAddress; it must be false", nis, i)
          elseif not is_false(v) then
            ok = ctx.fail("NetworkInterfaces[" .. i .. "].AssociatePublicIpAddress is " .. show(v) ..
                          "; it must be the boolean false", ni, "AssociatePublicIpAddress")
          end
        end
      end
    end
    return ok
  end,
})
